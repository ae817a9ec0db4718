/**
 * Header constants of the modelled kernels that the seed files use but do not define
 * (DragonFly sys/buf.h and sys/bio.h). Values follow DragonFly; only their distinctness
 * matters to the model, except where a seed does arithmetic on them (bk_active's bits,
 * vfs_bio.c:540-546).
 */

/** bk_active's wait flag: bit 31 (vfs_bio.c:540-546). Bits 0-30 count in-flight bios. */
export const BK_WAIT = 0x80000000;
/** bk_active's count mask (vfs_bio.c:544). */
export const BK_COUNT_MASK = 0x7fffffff;
/** The underflow detector: bit 30 of bk_active (vfs_bio.c:540-549). */
export const BK_UNDERFLOW = 0x40000000;

/** bio_flags (DragonFly sys/bio.h). */
export const BIO_SYNC = 0x00000001;
export const BIO_WANT = 0x20000000;
export const BIO_DONE = 0x40000000;

/** b_cmd (DragonFly sys/buf.h, buf_cmd_t). */
export const BUF_CMD_DONE = 0;
export const BUF_CMD_READ = 1;
export const BUF_CMD_WRITE = 2;
export const BUF_CMD_FREEBLKS = 3;
export const BUF_CMD_FORMAT = 4;
export const BUF_CMD_FLUSH = 5;
export const BUF_CMD_SEEKTIME = 6;

/** b_flags used by the slice (DragonFly sys/buf.h). */
export const B_AGE = 0x00000001;
export const B_NEEDCOMMIT = 0x00000002;
export const B_NOTMETA = 0x00000004;
export const B_DIRECT = 0x00000008;
export const B_DEFERRED = 0x00000010;
export const B_CACHE = 0x00000020;
export const B_HASHED = 0x00000040;
export const B_DELWRI = 0x00000080;
export const B_BNOCLIP = 0x00000100;
export const B_HASBOGUS = 0x00000200;
export const B_EINTR = 0x00000400;
export const B_ERROR = 0x00000800;
export const B_IODEBUG = 0x00001000;
export const B_INVAL = 0x00002000;
export const B_LOCKED = 0x00004000;
export const B_NOCACHE = 0x00008000;
export const B_MALLOC = 0x00010000;
export const B_CLUSTEROK = 0x00020000;
export const B_MARKER = 0x00040000;
export const B_RAW = 0x00080000;
export const B_HEAVY = 0x00100000;
export const B_DIRTY = 0x00200000;
export const B_RELBUF = 0x00400000;
export const B_FAILONDIS = 0x00800000;
export const B_VNDIRTY = 0x01000000;
export const B_VNCLEAN = 0x02000000;
export const B_IOISSUED = 0x04000000;
export const B_KVABIO = 0x08000000;
export const B_ORDERED = 0x10000000;
export const B_VMIO = 0x20000000;
export const B_CLUSTER = 0x40000000;
export const B_RAM = 0x80000000 | 0;
/**
 * B_PAGING and B_TTC live outside DragonFly's b_flags word layout the model follows; the model
 * gives them two bits the seed never uses (B_FAILONDIS's and B_DIRTY's). Only distinctness matters.
 */
export const B_PAGING = 0x00800000;
export const B_TTC = 0x00200000;

/** Buffer queues (vfs_bio.c:72-81). */
export const BQUEUE_NONE = 0;
export const BQUEUE_LOCKED = 1;
export const BQUEUE_CLEAN = 2;
export const BQUEUE_DIRTY = 3;
export const BQUEUE_DIRTY_HW = 4;
export const BQUEUE_EMPTY = 5;
export const BUFFER_QUEUES = 6;
export const BQUEUE_NAMES = ['NONE', 'LOCKED', 'CLEAN', 'DIRTY', 'DIRTY_HW', 'EMPTY'] as const;

/** needsbuffer bits (vfs_bio.c:216-219). */
export const VFS_BIO_NEED_ANY = 0x01;
export const VFS_BIO_NEED_BUFSPACE = 0x08;

/** getblk / findblk / getcacheblk flags (DragonFly sys/buf.h). */
export const GETBLK_PCATCH = 0x0001;
export const GETBLK_BHEAVY = 0x0002;
export const GETBLK_SZMATCH = 0x0004;
export const GETBLK_NOWAIT = 0x0008;
export const GETBLK_KVABIO = 0x0010;
export const FINDBLK_TEST = 0x0010;
export const FINDBLK_NBLOCK = 0x0020;
export const FINDBLK_REF = 0x0040;
export const FINDBLK_KVABIO = 0x0080;

/** "No offset" (sys/types.h NOOFFSET). */
export const NOOFFSET = -1;

/**
 * Sizes, in the model's unit: one unit is DEV_BSIZE and also PAGE_SIZE (spec §8: sub-page
 * arithmetic multiplies states without changing protocol behaviour). MAXBSIZE, the largest
 * buffer, is two pages; XIO_INTERNAL_PAGES bounds a buffer's page array.
 */
export const DEV_BSIZE = 1;
export const PAGE_SIZE = 1;
export const PAGE_MASK = PAGE_SIZE - 1;
export const MAXBSIZE = 2;
export const XIO_INTERNAL_PAGES = MAXBSIZE / PAGE_SIZE;
/** A page's valid/dirty mask when the whole page is valid (one bit per page here). */
export const VM_PAGE_BITS_ALL = 1;

/** errno values (sys/errno.h), shared with the simulator's primitives. */
export { EINTR, EIO, EBUSY, EWOULDBLOCK, ENOLCK } from '../sim/errno.ts';
