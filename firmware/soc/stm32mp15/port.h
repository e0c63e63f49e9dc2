/* stm32mp15: the Cortex-M4 of STM32MP15x (firmware.md §4.1), loaded by Linux remoteproc. */
#ifndef PORT_H
#define PORT_H

#define PORT_NAME "stm32mp15"
#define PORT_SOC "stm32mp15"
#define PORT_TRACE_CM33 0
#define PORT_CPU_HZ 209000000u /* MCU clock of the DK2 clock tree; only scales log timestamps (UNCONFIRMED) */
#define PORT_VECTOR_SECTION ".isr_vector"
#define PORT_NUM_IRQS 16 /* no peripheral interrupt is enabled: doorbells are polled */
#define PORT_IPCC_BASE 0x4C001000u /* IPCC, MCU view (RM0436 memory map) */
#define PORT_CARVEOUT_NAME "mcuram2"
#define PORT_CARVEOUT_DA 0x10000000u /* DK2 reserved-memory mcuram2 (firmware.md §4.1) */
#define PORT_CARVEOUT_LEN 0x40000u

#endif
