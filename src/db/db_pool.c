/* A small pool of database connections so server threads do not reopen the database per request. */
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct db_pool {
	pthread_mutex_t lock;
	char *where;
	struct db **idle;
	int n_idle, max_idle;
};

struct db_pool *db_pool_new(const char *where, int max_idle)
{
	struct db_pool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	p->where = xstrdup(where);
	p->max_idle = max_idle > 0 ? max_idle : 1;
	p->idle = xcalloc((size_t)p->max_idle, sizeof(*p->idle));
	return p;
}

struct db *db_pool_acquire(struct db_pool *p)
{
	struct db *db = NULL;
	char err[256];

	pthread_mutex_lock(&p->lock);
	if (p->n_idle > 0)
		db = p->idle[--p->n_idle];
	pthread_mutex_unlock(&p->lock);
	if (db)
		return db;
	db = db_open(p->where, err, sizeof(err));
	if (!db)
		fprintf(stderr, "kvalab: %s\n", err);
	return db;
}

void db_pool_release(struct db_pool *p, struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	pthread_mutex_lock(&p->lock);
	if (p->n_idle < p->max_idle) {
		p->idle[p->n_idle++] = db;
		db = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	db_close(db);
}

void db_pool_free(struct db_pool *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < p->n_idle; i++)
		db_close(p->idle[i]);
	free(p->idle);
	free(p->where);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
