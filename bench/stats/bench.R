# The R side of the statistics benchmark: psych::ICC, psych::cohen.kappa and Krippendorff's
# alpha on the same data as kvalab. Prints one JSON object with timings (seconds, the median
# of REPS runs of the computation alone, after the CSV is read) and the results. R's start-up
# is not in these timings; one.R times whole R processes for that.
suppressMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "bench/out/stats"
reps <- if (length(args) >= 2) as.integer(args[2]) else 3L

t_wide <- system.time(wide <- read.csv(file.path(dir, "wide.csv")))[["elapsed"]]
t_long <- system.time(long <- read.csv(file.path(dir, "alpha.csv")))[["elapsed"]]
x <- as.matrix(wide[, c("A", "B")])

# Krippendorff's alpha (kripp_alpha): plain, vectorised R, shared with one.R.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "kripp_alpha.R"))

med <- function(f) {
  t <- numeric(reps); res <- NULL
  for (i in seq_len(reps)) t[i] <- system.time(res <- f())[["elapsed"]]
  list(seconds = median(t), result = res)
}

icc <- med(function() ICC(x))   # default lmer = TRUE: aov() cannot fit 100 000 subject levels
kap <- med(function() cohen.kappa(x))
alp <- med(function() kripp_alpha(long$unit, long$value, "interval"))
alpn <- kripp_alpha(long$unit, long$value, "nominal")

cat(sprintf(paste0('{"read_wide_seconds": %.4f, "read_long_seconds": %.4f, "icc_seconds": %.4f, "kappa_seconds": %.4f, ',
  '"alpha_seconds": %.4f, "ICC3": %.12f, "ICC2": %.12f, "kappa": %.12f, "alpha_interval": %.12f, ',
  '"alpha_nominal": %.12f}\n'),
  t_wide, t_long, icc$seconds, kap$seconds, alp$seconds,
  icc$result$results["Single_fixed_raters", "ICC"], icc$result$results["Single_random_raters", "ICC"],
  kap$result$kappa, alp$result, alpn))
