/* qemu-m33: the STM32MP257 Cortex-M33 twin on QEMU mps2-an505, running Secure (qemu-twin.md §6). */
#ifndef PORT_H
#define PORT_H

#define PORT_NAME "qemu-m33"
#define PORT_SOC "stm32mp25"
#define PORT_TRACE_CM33 1
#define PORT_CPU_HZ 20000000u /* mps2-an505 system clock */
#define PORT_VECTOR_SECTION ".isr_vectors"
#define PORT_NUM_IRQS 48
#define PORT_CONSOLE_UART 0x50200000u /* UART0, secure alias */
#define PORT_DOORBELL_UART 0x50201000u /* UART1, secure alias */
#define PORT_DOORBELL_IRQ 34          /* UART1 RX, measured (qemu-twin.md §2.1) */
#define PORT_WDG_BASE 0x50081000u     /* secure CMSDK watchdog, wired to NMI (qemu-twin.md §4.2, §6) */
#define PORT_WDG_HZ 20000000u
#define PORT_WDG_STAGE_MS 1000u
#define PORT_TWIN_CTL 0x80F00000u
/* no PORT_CARVEOUT_*: the carveout variant is MP15-only (variants.yaml) */

#endif
