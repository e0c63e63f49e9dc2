/* Reset handler, vector table and fault handlers shared by every port (ARMv7-M and ARMv8-M mainline). */
#include "fw.h"

extern uint32_t _estack, _sbss, _ebss, _slogs, _elogs;

void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);
void fault_report(uint32_t *frame);
#ifdef PORT_DOORBELL_IRQ
void port_doorbell_irq(void);
#endif

#define SCB_VTOR MMIO32(0xE000ED08u)
#define SCB_CFSR MMIO32(0xE000ED28u)
#define SCB_HFSR MMIO32(0xE000ED2Cu)

typedef void (*vector_t)(void);
_Static_assert(16 + PORT_NUM_IRQS <= 64, "the vector table must fit its 256-byte alignment (VTOR)");

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
__attribute__((used, section(PORT_VECTOR_SECTION), aligned(256))) const vector_t vectors[16 + PORT_NUM_IRQS] = {
  [0] = (vector_t)(uintptr_t)&_estack,
  [1] = Reset_Handler,
  [2] = NMI_Handler,
  [3 ... 15 + PORT_NUM_IRQS] = Default_Handler,
  [3] = HardFault_Handler,
  [4] = HardFault_Handler, /* MemManage, BusFault, UsageFault, SecureFault are not enabled: they escalate */
  [5] = HardFault_Handler,
  [6] = HardFault_Handler,
  [7] = HardFault_Handler,
  [15] = SysTick_Handler,
#ifdef PORT_DOORBELL_IRQ
  [16 + PORT_DOORBELL_IRQ] = port_doorbell_irq,
#endif
};
#pragma GCC diagnostic pop

static void zero(uint32_t *from, uint32_t *to) {
  for (volatile uint32_t *p = from; p < to; p++) *p = 0;
}

void Reset_Handler(void) {
  /* .data needs no copy: every loader (remoteproc, QEMU -kernel) writes PT_LOAD segments at their run
     address. .bss and the log buffers are zeroed at each boot, as ST's startup does (firmware.md §2.1). */
  zero(&_sbss, &_ebss);
  zero(&_slogs, &_elogs);
  SCB_VTOR = (uint32_t)(uintptr_t)vectors;
  __asm volatile("dsb\n isb" ::: "memory");
  main();
  for (;;) {
  }
}

/* Stacked frame: r0 r1 r2 r3 r12 lr pc xpsr. The handler spins like ST's examples; the watchdog reports it. */
__attribute__((naked)) void HardFault_Handler(void) {
  __asm volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "b fault_report\n");
}

void fault_report(uint32_t *frame) {
  uint32_t pc = frame[6], cfsr = SCB_CFSR, hfsr = SCB_HFSR;
  port_fault_record(1, pc, cfsr, hfsr);
  log_err("hardfault pc=0x%08lx cfsr=0x%08lx hfsr=0x%08lx", pc, cfsr, hfsr);
  for (;;) {
  }
}

/* The twin's CMSDK watchdog raises NMI at its first expiry (qemu-twin.md §4.2), like WWDG's early warning. */
void NMI_Handler(void) { log_warn("watchdog early warning"); }

void Default_Handler(void) {
  for (;;) {
  }
}
