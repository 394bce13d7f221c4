/*
 * gate.c: a counting gate for large-part analysis (see gate.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/clock.h"
#include "core/gate.h"

struct scan_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned used, places;
};

struct scan_gate *
gate_new(unsigned places)
{
	struct scan_gate *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->places = places > 0 ? places : 1;
	return g;
}

void
gate_free(struct scan_gate *g)
{
	if (g == NULL)
		return;
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

void
gate_set_places(struct scan_gate *g, unsigned places)
{
	pthread_mutex_lock(&g->mu);
	g->places = places > 0 ? places : 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

double
gate_enter(struct scan_gate *g)
{
	double t0 = mono_now();

	pthread_mutex_lock(&g->mu);
	while (g->used >= g->places)
		pthread_cond_wait(&g->cv, &g->mu);
	g->used++;
	pthread_mutex_unlock(&g->mu);
	return mono_now() - t0;
}

void
gate_leave(struct scan_gate *g)
{
	pthread_mutex_lock(&g->mu);
	if (g->used > 0)
		g->used--;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}
