/**
 * uvm_vnode.c's state (spec/uvm_vnode.md §1): struct uvm_vnode with its u_flags bits
 * (uvm/uvm_vnode.h rev 1.17), and the file's globals — uvn_wlist, uvn_sync_q, uvn_sync_lock and
 * rebooting (uvm_vnode.c:71-78) — reached through `uvnGlobals()` because several simulators can
 * exist in one process.
 */
import type { Sim } from '../sim/kernel.ts';
import { kglobal } from '../sim/report.ts';
import { newRwLock, type RwLock } from '../sim/locks.ts';
import type { UvmObject } from '../env/uvm.ts';
import { newOVnode, type OVnode } from '../env/ovnode.ts';

export const UVM_VNODE_VALID = 0x001;
export const UVM_VNODE_CANPERSIST = 0x002;
export const UVM_VNODE_ALOCK = 0x004;
export const UVM_VNODE_DYING = 0x008;
export const UVM_VNODE_RELKILL = 0x010;
export const UVM_VNODE_WANTED = 0x020;
export const UVM_VNODE_VNISLOCKED = 0x040;
export const UVM_VNODE_IOSYNC = 0x080;
export const UVM_VNODE_IOSYNCWANTED = 0x100;
export const UVM_VNODE_WRITEABLE = 0x200;
export const UVM_VNODE_IOERROR = 0x400;
/** uvm_vnode.h: "any condition that should keep new processes from touching the vnode" (§1.2). */
export const UVM_VNODE_BLOCKED = UVM_VNODE_ALOCK | UVM_VNODE_DYING | UVM_VNODE_RELKILL;

export const UVN_FLAG_NAMES: [number, string][] = [
  [UVM_VNODE_VALID, 'VALID'],
  [UVM_VNODE_CANPERSIST, 'CANPERSIST'],
  [UVM_VNODE_ALOCK, 'ALOCK'],
  [UVM_VNODE_DYING, 'DYING'],
  [UVM_VNODE_RELKILL, 'RELKILL'],
  [UVM_VNODE_WANTED, 'WANTED'],
  [UVM_VNODE_VNISLOCKED, 'VNISLOCKED'],
  [UVM_VNODE_IOSYNC, 'IOSYNC'],
  [UVM_VNODE_IOSYNCWANTED, 'IOSYNCWANTED'],
  [UVM_VNODE_WRITEABLE, 'WRITEABLE'],
];

export function uvnFlagNames(f: number): string {
  return UVN_FLAG_NAMES.filter(([b]) => (f & b) !== 0).map(([, n]) => n).join('|') || '0';
}

/** A sleep channel standing for the address of a field (&uvn->u_nio, &uvn->u_flags). */
export interface Chan {
  chan: string;
}

/** struct uvm_vnode (uvm/uvm_vnode.h), plus the ghosts the checker needs. */
export interface UvmVnode {
  u_obj: UvmObject;
  u_flags: number;
  u_nio: number;
  u_size: number;
  u_vnode: OVnode;
  /** Ghost: linked on uvn_wlist (LIST_INSERT_HEAD until LIST_REMOVE). */
  g_onWriteableList: boolean;
  /** Ghost: terminate let the uvn live on over its dead vnode (uvm_vnode.c:505-511). */
  g_vnodeDead: boolean;
  /** Ghost: vnode references the uvn holds (vref at :169/:253/:1365/:1490, vrele at :387); UVN-22. */
  g_vref: number;
  /** &uvn->u_nio and &uvn->u_flags as sleep channels. */
  g_nioChan: Chan;
  g_flagsChan: Chan;
}

/** uvm_vnode.c's file-scope globals. */
export interface UvnGlobals {
  /** uvn_wlist, head first (LIST_INSERT_HEAD). */
  uvn_wlist: UvmVnode[];
  /** uvn_sync_q, head first (SIMPLEQ_INSERT_HEAD); re-initialised by every sync run. */
  uvn_sync_q: UvmVnode[];
  uvn_sync_lock: RwLock;
  rebooting: number;
}

export const uvnGlobals = (): UvnGlobals => kglobal<UvnGlobals>('uvm_vnode');

/** Registers uvm_vnode.c's globals (uvn_init then initialises them, as pgo_init does at boot). */
export function setupUvnGlobals(sim: Sim): UvnGlobals {
  const g = sim.world.add('uvm_vnode.c', {
    uvn_wlist: [] as UvmVnode[],
    uvn_sync_q: [] as UvmVnode[],
    uvn_sync_lock: sim.world.add('uvn_sync_lock', newRwLock()),
    rebooting: 0,
  });
  sim.globals.uvm_vnode = g;
  return g;
}

/**
 * A vnode of `size` bytes (`nblocks` page-sized blocks of backing store) with its zeroed
 * uvm_vnode, registered as `name` (the vnode), `name.uvn`, `name.uobj` and their lock and channels.
 */
export function newUvnVnode(sim: Sim, name: string, size: number, nblocks: number): OVnode {
  const w = sim.world;
  const uvn = {} as UvmVnode;
  const uobj: UvmObject = w.add(`${name}.uobj`, { uo_refs: 0, uo_npages: 0, vmobjlock: w.add(`${name}.vmobjlock`, newRwLock()), uo_uvn: uvn });
  const vp0 = newOVnode(uvn, size, nblocks);
  vp0.v_disk = w.add(`${name}.disk`, vp0.v_disk);
  const vp = w.add(name, vp0);
  Object.assign(uvn, {
    u_obj: uobj,
    u_flags: 0,
    u_nio: 0,
    u_size: 0,
    u_vnode: vp,
    g_onWriteableList: false,
    g_vnodeDead: false,
    g_vref: 0,
    g_nioChan: w.add(`&${name}.uvn.u_nio`, { chan: 'u_nio' }),
    g_flagsChan: w.add(`&${name}.uvn.u_flags`, { chan: 'u_flags' }),
  });
  w.add(`${name}.uvn`, uvn);
  return vp;
}
