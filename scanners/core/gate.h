/*
 * gate.h: bounds how many large parts are analysed at once in the whole process.
 *
 * Analysing a part maps up to limits.scan_window bytes of it (and its children);
 * with one thread per milter connection, 64 connections with 20 MB attachments
 * would otherwise map 64 windows at once. A large top-level part (over
 * limits.spool_memory) waits at the gate until one of limits.scan_parallel places is
 * free; small parts never wait. Time spent waiting is not analysis time. The daemon
 * owns one gate for its life (embargo-scan has none); thread-safe.
 */
#ifndef EMBARGO_GATE_H
#define EMBARGO_GATE_H

struct scan_gate;

struct scan_gate *gate_new(unsigned places);
void gate_free(struct scan_gate *g);
/* Change the number of places (on reload); waiters are woken. */
void gate_set_places(struct scan_gate *g, unsigned places);
/* Take a place, waiting as long as needed; returns the seconds waited. */
double gate_enter(struct scan_gate *g);
void gate_leave(struct scan_gate *g);

#endif
