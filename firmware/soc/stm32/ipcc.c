/* IPCC doorbells seen from the coprocessor (CPU2) side, shared by the stm32mp15 and stm32mp25 ports.
   Register map (RM0436 "IPCC registers"; MP25 IPCC1 assumed to be the same IP - INFERENCE):
     C1TOC2SR +0x0C  bit n = channel n+1 occupied by CPU1 (Linux) -> a message for us
     C2SCR    +0x18  bit n = CHnC clears our RX channel (= ack), bit 16+n = CHnS sets our TX channel
     C2TOC1SR +0x1C  bit n = our TX channel still occupied (Linux has not taken it yet)
   Channel use (firmware.md §4.2, §5.1; Linux mbox-names vq0 vq1 shutdown detach = indexes 0..3):
     RX 0 = vring0 buffers freed, 1 = vring1 new message, 2 = shutdown, 3 = detach; TX 0 = vring0, 1 = vring1.
   Polled from the main loop (no IPCC interrupt): the test firmware has nothing else to do. */
#include "fw.h"

#define IPCC_C1TOC2SR MMIO32(PORT_IPCC_BASE + 0x0Cu)
#define IPCC_C2SCR MMIO32(PORT_IPCC_BASE + 0x18u)
#define IPCC_C2TOC1SR MMIO32(PORT_IPCC_BASE + 0x1Cu)
#define FLUSH_TIMEOUT_MS 100u

static uint32_t awaiting_ack; /* shutdown/detach reported to the app, cleared on its ack */

int port_doorbell_get(void) {
  uint32_t pending = IPCC_C1TOC2SR & 0xFu & ~awaiting_ack;
  for (int ch = 0; ch < 4; ch++) {
    if ((pending & (1u << ch)) == 0) continue;
    if (ch < 2) {
      IPCC_C2SCR = 1u << ch; /* vring kicks carry no data: free the channel at once (ST mbox_ipcc.c does too) */
    } else {
      awaiting_ack |= 1u << ch;
    }
    return ch;
  }
  return -1;
}

/* Linux waits for the channel to be freed as the ack of shutdown/detach (firmware.md §5.1). */
void port_doorbell_ack(int channel) {
  IPCC_C2SCR = 1u << channel;
  awaiting_ack &= ~(1u << channel);
}

void port_doorbell_kick(int channel) {
  while ((IPCC_C2TOC1SR & (1u << channel)) != 0) {
    /* previous kick on this channel not yet taken: ST's MAILBOX_Notify busy-waits the same way */
  }
  IPCC_C2SCR = 1u << (16 + channel);
}

void port_doorbell_flush(void) {
  uint32_t start = tick_ms();
  while ((IPCC_C2TOC1SR & 3u) != 0 && tick_ms() - start < FLUSH_TIMEOUT_MS) {
  }
}

void port_idle(void) {}

void port_console_putc(char c) { (void)c; /* the trace buffer is the log on silicon */ }

void port_heartbeat(void) {}

int port_crash_request(void) { return 0; }

void port_fault_record(uint32_t kind, uint32_t pc, uint32_t cfsr, uint32_t hfsr) {
  (void)kind; /* the log line written by the caller is the record: it survives in trace0 / the coredump */
  (void)pc;
  (void)cfsr;
  (void)hfsr;
}
