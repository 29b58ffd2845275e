/*
 * commands.h - the subcommands. Add one line here and one row in main.c's
 * table for each new command.
 */
#ifndef CHISO_COMMANDS_H
#define CHISO_COMMANDS_H

int cmd_score(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tasks(int argc, char **argv);
int cmd_services(int argc, char **argv);

#endif /* CHISO_COMMANDS_H */
