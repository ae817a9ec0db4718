#!/usr/bin/env python3
"""Third, SPIN-free count of the bio-track transition system (README.md), written
straight from the step list, to check that the Promela encoding is faithful.

    python3 bfs_reference.py N M [--fold-wakeup]

Prints: N M states edges deadlocks.  edges = SPIN's "transitions" - 1 (SPIN
also counts the step that stores the initial state).
--fold-wakeup (diagnostic only, NOT the specified semantics): the wakeup is
done inside the releasing cmpset transition instead of a separate step S4.
"""
import sys

N, M = int(sys.argv[1]), int(sys.argv[2])
FOLD = '--fold-wakeup' in sys.argv
WAIT, CNT, MASK = 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF
DONE, S0, S1, S2, S3, S4, S5 = 0, 1, 2, 3, 4, 5, 6
W0, W1, W2, W3, W4 = 1, 2, 3, 4, 5
T = N + M


def rel_desired(a):
    d = ((a & CNT) - 1) & MASK
    return d | (a & WAIT) if d else d


def successors(state):
    bk, th, q = state
    for i, (pc, a, d) in enumerate(th):
        nbk, nq, nt = bk, list(q), None
        if i < N:  # I/O thread
            if pc == S0:
                nbk, nt = (bk + 1) & MASK, (S1, 0, 0)
            elif pc == S1:
                nt = (S2, 1, 0) if bk == 1 else (S3, bk, rel_desired(bk))
            elif pc == S2:
                if bk == 1:
                    nbk, nt = 0, (DONE, 0, 0)
                else:
                    nt = (S3, 1, 0)
            elif pc == S3:
                if bk == a:
                    nbk = d
                    assert not d & 0x40000000, 'bad count'
                    if a & WAIT and FOLD:
                        nq, nt = [0] * T, (DONE, 0, 0)
                    else:
                        nt = (S4, 0, 0) if a & WAIT else (DONE, 0, 0)
                else:
                    nt = (S5, 0, 0)
            elif pc == S4:
                nq, nt = [0] * T, (DONE, 0, 0)
            elif pc == S5:
                nt = (S3, bk, rel_desired(bk))
        else:  # waiter
            if pc == W0:
                nt = (DONE, 0, 0) if bk == 0 else (W1, 0, 0)
            elif pc == W1:
                nt = (DONE, 0, 0) if bk == 0 else (W2, bk, bk | WAIT)
            elif pc == W2:
                nq[i], nt = 1, (W3, a, d)
            elif pc == W3:
                if bk == a:
                    nbk, nt = d, (W4, 0, 0)
                else:
                    nt = (W1, 0, 0)
            elif pc == W4 and q[i] == 0:
                nt = (W1, 0, 0)
        if nt is None:
            continue
        if nt[0] == DONE:
            nq[i] = 0
        assert nbk != WAIT, 'bk == 0x80000000'
        nth = list(th)
        nth[i] = nt
        yield (nbk, tuple(nth), tuple(nq))


init = (0, tuple((S0 if i < N else W0, 0, 0) for i in range(T)), (0,) * T)
seen, stack, edges, deadlocks = {init}, [init], 0, 0
while stack:
    s = stack.pop()
    k = 0
    for t in successors(s):
        k += 1
        if t not in seen:
            seen.add(t)
            stack.append(t)
    edges += k
    if k == 0 and any(pc != DONE for pc, _, _ in s[1]):
        deadlocks += 1
print(N, M, len(seen), edges, deadlocks)
