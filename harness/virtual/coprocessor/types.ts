// The coprocessor behind the kernel model: the behavioural model (virtual-*) and the QEMU twin (twin-*) both implement it.
import type { EventEmitter } from 'node:events';
import type { BoardRules, ElfFile, ResourceTable } from '../../firmware/types';

/** What rproc_start hands the core: the loaded image plus the table as the kernel filled it in. */
export interface BootImage {
  firmwareName: string;
  elf: ElfFile;
  /** the live table (vring da/notifyId and carveout pa filled in by the kernel model), null when none */
  table: ResourceTable | null;
  /** vrings of vdev 0 as allocated by the kernel model (da inside vdev0vringN), empty without a vdev */
  vrings: Array<{ da: number; num: number; align: number; notifyId: number }>;
  /** start of the rpmsg buffer pool (vdev0buffer), null without a vdev */
  bufferDa: number | null;
  /** true when the vdev advertises VIRTIO_RPMSG_F_NS */
  nameService: boolean;
  board: BoardRules;
}

export interface RpmsgMessage {
  src: number;
  dst: number;
  payload: Uint8Array;
}

export interface NsAnnouncement {
  name: string;
  addr: number;
  /** 0 = create, 1 = destroy */
  flags: number;
}

export interface CoprocessorEvents {
  /** a name-service message from the firmware (to address 0x35) */
  announce: [NsAnnouncement];
  /** a message from the firmware to a host address */
  message: [RpmsgMessage];
  /** the watchdog fired (STM32: WWDG -> EXTI 68 -> rproc_report_crash(RPROC_WATCHDOG)) */
  crash: [{ type: 'watchdog' }];
  /** a line the firmware printed on its own UART console (twin), for evidence */
  console: [string];
}

export interface Coprocessor extends EventEmitter<CoprocessorEvents> {
  readonly kind: 'model' | 'twin';
  /** load segments, release hold-boot; resolves once the core runs (announcements follow asynchronously) */
  start(image: BootImage): Promise<void>;
  /** shutdown request + reset; resolves when the core is held in reset */
  stop(): Promise<void>;
  /** device-memory read for trace files and coredumps; null where the address is not backed */
  readMemory(da: number, len: number): Uint8Array | null;
  /** host -> firmware message; false when the firmware has no free RX buffer (the tty then gets ENOMEM) */
  send(msg: RpmsgMessage): boolean;
  /** force a fault (fault knob "crash the coprocessor after T"); the watchdog then fires as on the board */
  injectCrash(kind: 'hardfault' | 'watchdog'): void;
  dispose(): Promise<void>;
}
