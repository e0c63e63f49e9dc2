/* SysTick at 100 Hz: wakes the main loop (WFI) and gives millisecond timestamps for the log. */
#include "fw.h"

#define SYST_CSR MMIO32(0xE000E010u) /* ARMv7-M/ARMv8-M SysTick: CSR, RVR, CVR */
#define SYST_RVR MMIO32(0xE000E014u)
#define SYST_CVR MMIO32(0xE000E018u)
#define TICK_HZ 100u
#define RELOAD (PORT_CPU_HZ / TICK_HZ)

static volatile uint32_t ticks;

void SysTick_Handler(void) {
  ticks++;
  port_heartbeat();
}

void tick_init(void) {
  SYST_RVR = RELOAD - 1u;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* ENABLE | TICKINT | CLKSOURCE = processor clock */
  while (SYST_CVR == 0) {
    /* the first reload: until then CVR = 0 would read as a full period elapsed */
  }
}

uint32_t tick_ms(void) {
  uint32_t before, value, after;
  do {
    before = ticks;
    value = SYST_CVR;
    after = ticks;
  } while (before != after);
  uint32_t elapsed = (RELOAD - 1u) - value; /* counts down */
  return before * (1000u / TICK_HZ) + elapsed / (PORT_CPU_HZ / 1000u);
}
