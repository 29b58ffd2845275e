/*
 * commands.h - the subcommands. Add one line here and one row in main.c's
 * table for each new command.
 */
#ifndef CHISO_COMMANDS_H
#define CHISO_COMMANDS_H

int cmd_score(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_survey(int argc, char **argv);
int cmd_composite(int argc, char **argv);
int cmd_uncertainty(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_tasks(int argc, char **argv);
int cmd_services(int argc, char **argv);

int cmd_report(int argc, char **argv);
int cmd_fill(int argc, char **argv);
int cmd_framework(int argc, char **argv);
int cmd_form(int argc, char **argv);

#endif /* CHISO_COMMANDS_H */
