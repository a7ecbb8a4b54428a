# The R side of the statistics benchmark: psych::ICC, psych::cohen.kappa and Krippendorff's
# alpha on the same data as kvalab. Prints one JSON object with timings (seconds, the median
# of REPS runs of the computation alone, after the CSV is read) and the results.
#
# R's irr package (kripp.alpha) is not installed here and psych has no Krippendorff's alpha,
# so alpha is the standard coincidence-matrix computation (Krippendorff 2011) written in
# plain, vectorised R below; it handles any number of coders per unit and missing values.
suppressMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "bench/out/stats"
reps <- if (length(args) >= 2) as.integer(args[2]) else 3L

t_wide <- system.time(wide <- read.csv(file.path(dir, "wide.csv")))[["elapsed"]]
t_long <- system.time(long <- read.csv(file.path(dir, "alpha.csv")))[["elapsed"]]
x <- as.matrix(wide[, c("A", "B")])

# Krippendorff's alpha from long data (unit, value), interval or nominal metric.
kripp_alpha <- function(unit, value, metric = "interval") {
  m <- tabulate(match(unit, unique(unit)))[match(unit, unique(unit))]
  keep <- m >= 2
  unit <- unit[keep]; value <- value[keep]; m <- m[keep]
  vals <- sort(unique(value))
  # units x values counts, then the coincidence matrix sum_u n_uc n_uk / (m_u - 1).
  nuc <- table(factor(unit, levels = unique(unit)), factor(value, levels = vals))
  mu <- rowSums(nuc)
  w <- nuc / (mu - 1)
  o <- crossprod(w * 1, nuc * 1)       # sum_u n_uc n_uk / (m_u - 1)
  diag(o) <- diag(o) - colSums(w)      # pairs of distinct values only: n_uc (n_uc - 1)
  nc <- rowSums(o); n <- sum(nc)
  d2 <- if (metric == "nominal") 1 - diag(length(vals)) else outer(vals, vals, "-")^2
  1 - (n - 1) * sum(o * d2) / sum(outer(nc, nc) * d2)
}

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
