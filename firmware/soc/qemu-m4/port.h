/* qemu-m4: the STM32MP157 Cortex-M4 twin on QEMU mps2-an386 (TWIN-PROTOCOL.md, qemu-twin.md §0, §7.2). */
#ifndef PORT_H
#define PORT_H

#define PORT_NAME "qemu-m4"
#define PORT_SOC "stm32mp15"
#define PORT_TRACE_CM33 0
#define PORT_CPU_HZ 25000000u /* mps2-an386 system clock */
#define PORT_VECTOR_SECTION ".isr_vector"
#define PORT_NUM_IRQS 32
#define PORT_CONSOLE_UART 0x40004000u /* UART0 */
#define PORT_DOORBELL_UART 0x40005000u /* UART1 */
#define PORT_DOORBELL_IRQ 2           /* UART1 RX, measured (qemu-twin.md §2.1) */
#define PORT_WDG_BASE 0x40008000u
#define PORT_WDG_HZ 25000000u
#define PORT_WDG_STAGE_MS 1000u       /* NMI at 1 s, QEMU watchdog action at 2 s without refresh: generous for a loaded host (qemu-twin.md §4.2) */
#define PORT_TWIN_CTL 0x21F00000u
/* mcuram2 of the twin-mp157 map: MCU SRAM1+2 moved into the shared window */
#define PORT_CARVEOUT_NAME "mcuram2"
#define PORT_CARVEOUT_DA 0x21000000u
#define PORT_CARVEOUT_LEN 0x40000u

#endif
