/*
 * chiso_analytics.h - the analytics module's public interface, in one
 * include (like git2.h): scoring, rates from operational logs, statistics.
 * Each part has its own header, included here; add new ones below.
 *
 * Callers that use GSL-backed functions should turn GSL's abort handler off
 * once (gsl_set_error_handler_off()); chiso never changes it itself.
 */
#ifndef CHISO_ANALYTICS_H
#define CHISO_ANALYTICS_H

#include "chiso_score.h"
#include "chiso_stats.h"
#include "chiso_composite.h"
#include "chiso_services.h"

#endif /* CHISO_ANALYTICS_H */
