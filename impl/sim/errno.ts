/** errno values the simulator's primitives return (sys/errno.h). */
export const EINTR = 4;
export const EIO = 5;
export const EBUSY = 16;
export const EWOULDBLOCK = 35;
export const ENOLCK = 77;
