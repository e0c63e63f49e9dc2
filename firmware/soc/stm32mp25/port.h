/* stm32mp25: the Cortex-M33 (non-secure) of STM32MP25x (firmware.md §4.2), loaded by Linux remoteproc. */
#ifndef PORT_H
#define PORT_H

#define PORT_NAME "stm32mp25"
#define PORT_SOC "stm32mp25"
#define PORT_TRACE_CM33 1
#define PORT_CPU_HZ 400000000u /* M33 clock; only scales log timestamps (UNCONFIRMED) */
#define PORT_VECTOR_SECTION ".isr_vectors" /* the name ST's driver looks up for the boot address (§1.6) */
#define PORT_NUM_IRQS 16 /* no peripheral interrupt is enabled: doorbells are polled */
#define PORT_IPCC_BASE 0x40490000u /* IPCC1 (remoteproc.md §7.3, community DT dump: UNCONFIRMED) */

#endif
