/* The twin's board shim for mps2-an386/an505 (TWIN-PROTOCOL.md): doorbells on UART1, console on UART0,
   the CMSDK watchdog in place of WWDG1, and the control block the host reads. */
#include "fw.h"

/* CMSDK APB UART (qemu-twin.md §2.1) */
#define UART_DATA(b) MMIO32((b) + 0x00u)
#define UART_STATE(b) MMIO32((b) + 0x04u)
#define UART_CTRL(b) MMIO32((b) + 0x08u)
#define UART_INTCLEAR(b) MMIO32((b) + 0x0Cu)
#define UART_BAUDDIV(b) MMIO32((b) + 0x10u)
#define STATE_TXFULL 1u
#define STATE_RXFULL 2u
#define CTRL_TXEN 1u
#define CTRL_RXEN 2u
#define CTRL_RXINTEN 8u
#define INT_RX 2u

/* CMSDK watchdog (qemu-twin.md §4.2) */
#define WDG_LOAD MMIO32(PORT_WDG_BASE + 0x000u)
#define WDG_CTRL MMIO32(PORT_WDG_BASE + 0x008u)
#define WDG_INTCLR MMIO32(PORT_WDG_BASE + 0x00Cu)
#define WDG_LOCK MMIO32(PORT_WDG_BASE + 0xC00u)
#define WDG_UNLOCK_KEY 0x1ACCE551u
#define WDG_CTRL_INTEN 1u /* 1st expiry: NMI */
#define WDG_CTRL_RESEN 2u /* 2nd expiry: QEMU's watchdog action (-action watchdog=pause) */

#define NVIC_ISER(n) MMIO32(0xE000E100u + 4u * (n))

/* Control block at PORT_TWIN_CTL (host-owned page, not in any PT_LOAD segment): layout in TWIN-PROTOCOL.md. */
struct twin_ctl {
  uint32_t magic, boot_count, heartbeat, wdg_armed;
  uint32_t fault_kind, fault_pc, fault_cfsr, fault_hfsr;
  uint32_t crash_request; /* written by the host, cleared by the firmware when it acts on it */
};
#define TWIN_MAGIC 0x4E495754u /* "TWIN" */
#define CTL ((volatile struct twin_ctl *)PORT_TWIN_CTL)

static volatile uint8_t rx_ring[32];
static volatile uint32_t rx_head, rx_tail; /* head written by the ISR, tail by the main loop */

static void doorbell_drain(void) {
  while ((UART_STATE(PORT_DOORBELL_UART) & STATE_RXFULL) != 0) {
    uint8_t byte = (uint8_t)UART_DATA(PORT_DOORBELL_UART);
    if (rx_head - rx_tail < sizeof rx_ring) {
      rx_ring[rx_head % sizeof rx_ring] = byte;
      rx_head++;
    }
  }
}

/* The interrupt is cleared before the drain, never after: reading DATA lets QEMU hand over the next byte at
   once, and clearing after the drain would wipe that byte's interrupt and leave it stuck in RXDATA (a lost
   doorbell: the shutdown request never seen). A byte that lands during the drain only costs a spurious IRQ. */
void port_doorbell_irq(void) {
  UART_INTCLEAR(PORT_DOORBELL_UART) = INT_RX;
  doorbell_drain();
}

void port_init(void) {
  UART_BAUDDIV(PORT_CONSOLE_UART) = 16;
  UART_CTRL(PORT_CONSOLE_UART) = CTRL_TXEN;
  UART_BAUDDIV(PORT_DOORBELL_UART) = 16;
  UART_CTRL(PORT_DOORBELL_UART) = CTRL_TXEN | CTRL_RXEN | CTRL_RXINTEN;
  (void)UART_DATA(PORT_DOORBELL_UART); /* QEMU 7.2: wakes its RX path, else the first byte can stick (§2.2) */
  NVIC_ISER(PORT_DOORBELL_IRQ / 32u) = 1u << (PORT_DOORBELL_IRQ % 32u);
  CTL->magic = TWIN_MAGIC;
  CTL->boot_count = CTL->boot_count + 1u;
  CTL->wdg_armed = 0;
  CTL->fault_kind = 0;
  CTL->fault_pc = 0;
  CTL->fault_cfsr = 0;
  CTL->fault_hfsr = 0;
  CTL->crash_request = 0;
}

int port_doorbell_get(void) {
  /* also polled here (the SysTick wakes the loop every 10 ms), so a byte whose interrupt went missing is late,
     never lost */
  __asm volatile("cpsid i" ::: "memory");
  doorbell_drain();
  __asm volatile("cpsie i" ::: "memory");
  while (rx_tail != rx_head) {
    uint8_t byte = rx_ring[rx_tail % sizeof rx_ring];
    rx_tail++;
    if (byte <= 3u) return byte; /* anything else is not an IPCC channel: skipped */
  }
  return -1;
}

void port_doorbell_kick(int channel) {
  while ((UART_STATE(PORT_DOORBELL_UART) & STATE_TXFULL) != 0) {
  }
  UART_DATA(PORT_DOORBELL_UART) = (uint32_t)channel;
}

/* The ack of a shutdown/detach is the channel byte echoed back (TWIN-PROTOCOL.md). */
void port_doorbell_ack(int channel) { port_doorbell_kick(channel); }

/* QEMU hands each UART byte to the host at once: nothing to wait for. */
void port_doorbell_flush(void) {}

void port_idle(void) {
  __asm volatile("cpsid i" ::: "memory");
  if (rx_tail == rx_head) __asm volatile("wfi"); /* a pending interrupt still wakes WFI with PRIMASK set */
  __asm volatile("cpsie i" ::: "memory");
}

void port_console_putc(char c) {
  while ((UART_STATE(PORT_CONSOLE_UART) & STATE_TXFULL) != 0) {
  }
  UART_DATA(PORT_CONSOLE_UART) = (uint8_t)c;
}

void port_watchdog_start(void) {
  WDG_LOCK = WDG_UNLOCK_KEY;
  WDG_LOAD = PORT_WDG_HZ / 1000u * PORT_WDG_STAGE_MS;
  WDG_CTRL = WDG_CTRL_INTEN | WDG_CTRL_RESEN;
  WDG_LOCK = 0;
  CTL->wdg_armed = 1;
}

void port_watchdog_refresh(void) {
  WDG_LOCK = WDG_UNLOCK_KEY;
  WDG_INTCLR = 1; /* clears the interrupt and reloads the counter */
  WDG_LOCK = 0;
}

int port_crash_request(void) {
  uint32_t kind = CTL->crash_request;
  if (kind == 0) return 0;
  CTL->crash_request = 0;
  return kind == 1u || kind == 2u ? (int)kind : 0;
}

void port_heartbeat(void) { CTL->heartbeat = CTL->heartbeat + 1u; }

void port_fault_record(uint32_t kind, uint32_t pc, uint32_t cfsr, uint32_t hfsr) {
  CTL->fault_pc = pc;
  CTL->fault_cfsr = cfsr;
  CTL->fault_hfsr = hfsr;
  CTL->fault_kind = kind;
}
