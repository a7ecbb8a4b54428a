/* The version kvalab reports in `kvalab version` and GET /api/health. */
#ifndef KV_VERSION_H
#define KV_VERSION_H

#define KV_VERSION "0.1.0"

#endif
