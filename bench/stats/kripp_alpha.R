# Krippendorff's alpha in plain, vectorised R (coincidence matrices, Krippendorff 2011), shared
# by bench.R and one.R. R's irr package (kripp.alpha) is not installed here and psych has no
# Krippendorff's alpha; this handles any number of coders per unit and missing values.
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
