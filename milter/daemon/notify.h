/*
 * notify.h: telling whoever started the daemon how the start went: systemd through
 * sd_notify (Type=notify), a shell through the exit status of `embargo` (which
 * returns only once the detached daemon is serving, or with its failure status).
 */
#ifndef EMBARGO_NOTIFY_H
#define EMBARGO_NOTIFY_H

/* Detach: fork; the parent waits until notify_ready or notify_failed in the child and
 * exits with 0 or the failure status. Returns 0 in the child, -1 on error. */
int notify_detach(void);
/* The daemon is serving: READY=1 to systemd, 0 to a waiting parent. */
void notify_ready(const char *status);
/* The start failed with STATUS (non-zero): tell the waiting parent. */
void notify_failed(int status);
/* Around a reload, and at stop. */
void notify_reloading(void);
void notify_stopping(void);

#endif
