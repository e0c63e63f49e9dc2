/* stm32mp15: WWDG1 as the crash reporter (WWDG1 reset -> EXTI 68 -> rproc_report_crash, firmware.md §5.1). */
#include "fw.h"

/* RCC MCU-side enable (RM0436: RCC_MC_APB1ENSETR at +0xA80, WWDG1EN bit 28; RCC_MC_AHB3ENSETR at +0xAA0,
   IPCCEN bit 12). Bit positions come from the STM32MP1 device header, not from reference/: UNCONFIRMED. */
#define RCC_BASE 0x50000000u
#define RCC_MC_APB1ENSETR MMIO32(RCC_BASE + 0xA80u)
#define RCC_MC_AHB3ENSETR MMIO32(RCC_BASE + 0xAA0u)
#define RCC_WWDG1EN (1u << 28)
#define RCC_IPCCEN (1u << 12)

/* WWDG1 at 0x4000A000 (MCU APB1). CR: T[6:0], WDGA bit 7. CFR: W[6:0], WDGTB[2:0] bits 11-13. */
#define WWDG1_CR MMIO32(0x4000A000u)
#define WWDG1_CFR MMIO32(0x4000A004u)
#define WWDG_CR_WDGA (1u << 7)
#define WWDG_T_MAX 0x7Fu
#define WWDG_CFR_W_OPEN 0x7Fu      /* window = T max: refresh allowed at any time */
#define WWDG_CFR_WDGTB_128 (7u << 11)

void port_init(void) { RCC_MC_AHB3ENSETR = RCC_IPCCEN; }

/* Timeout = 4096 x 128 x 64 PCLK1 cycles (about 0.3 s at 104.5 MHz); the main loop refreshes far more often. */
void port_watchdog_start(void) {
  RCC_MC_APB1ENSETR = RCC_WWDG1EN;
  WWDG1_CFR = WWDG_CFR_W_OPEN | WWDG_CFR_WDGTB_128;
  WWDG1_CR = WWDG_CR_WDGA | WWDG_T_MAX;
}

void port_watchdog_refresh(void) { WWDG1_CR = WWDG_CR_WDGA | WWDG_T_MAX; }
