/* The kvalab subcommands: each takes the arguments after its own name and returns an exit code. */
#ifndef KV_CLI_H
#define KV_CLI_H

/* Exit codes shared by all subcommands. */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAIL = 1,  /* the operation failed (e.g. check found a problem) */
	CLI_USAGE = 2, /* bad arguments or bad input file */
};

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_retention(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_instrument(int argc, char **argv);
int cmd_mail(int argc, char **argv);

#endif
