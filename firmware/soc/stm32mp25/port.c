/* stm32mp25: no hardware watchdog is armed. Automatic M33 crash detection is not available by default
   (firmware.md §5.4: neither IWDG4 nor WWDG1 expiry reached Linux on the stock image), and the watchdog
   instances the non-secure M33 may own depend on the RIF set-up, which reference/ does not confirm.
   `crash watchdog` therefore just hangs; suites use the debugfs crash file on this SoC. */
#include "fw.h"

void port_init(void) {}

void port_watchdog_start(void) {}

void port_watchdog_refresh(void) {}
