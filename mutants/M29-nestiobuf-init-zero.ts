'use kernel';
/** M29: nestiobuf_init initialises the count to 0 instead of 1 (vfs_bio.c:4518). */
import type { MutantMeta } from './types.ts';
import type { Kernel } from '../impl/api.ts';
import type { Bio } from '../impl/env/bio.ts';

export const meta: MutantMeta = {
  id: 'M29',
  title: 'nestiobuf_init without the placeholder count',
  description:
    'Without the placeholder, a sub-I/O that completes before the next nestiobuf_add drops the count to 0 and completes the master early (biodone -> bpdone(bp, 1) releases it); the next sub-completion or nestiobuf_start completes it again.',
  cite: ['vfs_bio.c:4510-4519'],
  expect: 'killed',
  killedBy: ['NEST-01', 'vfs_bio.c:3519', 'vfs_bio.c:3520-3521', 'vfs_bio.c:4485'],
  scenario: 'mb-nested',
  params: { subs: 2 },
};

export default {
  *nestiobuf_init(bio: Bio): Kernel<void> {
    bio.bio_driver_info = 0; // MUTANT: was 1 (vfs_bio.c:4518)
  },
};
