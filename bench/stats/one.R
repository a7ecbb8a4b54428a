# One statistic as a whole R process, the way `kvalab stats` runs: start R, load what the
# statistic needs, read the CSV, compute, print the result. run.py times this from outside,
# so R's start-up and library loading are counted, as kvalab's own start-up is.
#   Rscript bench/stats/one.R DIR icc|kappa|alpha
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
stat <- args[2]
if (stat == "alpha") {
  source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "kripp_alpha.R"))
  long <- read.csv(file.path(dir, "alpha.csv"))
  r <- kripp_alpha(long$unit, long$value, "interval")
} else {
  suppressMessages(library(psych))
  wide <- read.csv(file.path(dir, "wide.csv"))
  x <- as.matrix(wide[, c("A", "B")])
  r <- if (stat == "icc") ICC(x)$results["Single_fixed_raters", "ICC"] else cohen.kappa(x)$kappa
}
cat(sprintf('{"%s": %.12f}\n', stat, r))
