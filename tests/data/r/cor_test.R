# cor_test.R - reference values for chiso compare (Pearson and Spearman
# with their t tests), computed by R's cor.test. Run from the repository
# root:
#   Rscript tests/data/r/cor_test.R > tests/data/r/cor_test.txt
# test_stats.c reads the output (key = value lines).
#
# R computes r in floating point, so for data that lie exactly on a line
# (or whose ranks agree exactly) it may return r = 1 - 2^-52 and a large
# finite t instead of Inf. Each case therefore also records whether the
# data, as the decimals written here, are exactly perfect, decided in
# exact arithmetic:
#   pearson: the points are collinear; checked on the decimals scaled to
#            integers (x * 10^4 and y * 10^4 are whole numbers below 2^53,
#            so the cross products are exact in doubles);
#   spearman: rank(x) equals rank(y) (rho = 1) or n + 1 - rank(y) (-1).
# For an exactly perfect case chiso must give t = +-Inf and p = 0; R's
# own t and p are printed for the record.
options(digits = 17)
cases <- list(
  # the issue's report: three units, y an exact line in x (2.5 x - 7.3)
  perfect3 = list(x = c(82.15, 90.2, 88.75),
                  y = c(198.075, 218.2, 214.575)),
  # six units on a falling line with decimals (-3.1 x + 0.7)
  perfect_neg6 = list(x = c(82.15, 90.2, 88.75, 80.1, 76.35, 0.3),
                      y = c(-253.965, -278.92, -274.425, -247.61,
                            -235.985, -0.23)),
  # integers on a line (R's r is exactly 1 here)
  perfect_int5 = list(x = c(1, 2, 3, 4.5, 0.1), y = c(3, 5, 7, 10, 1.2)),
  # monotone but not linear: Spearman perfect, Pearson not
  monotone7 = list(x = c(1, 2, 3, 4, 5, 6, 7),
                   y = c(1.5, 2.25, 5.0625, 25.6289, 40, 600.125, 1e4)),
  # reversed order with ties on both sides: Spearman exactly -1
  reversed_ties6 = list(x = c(10, 20, 20, 30, 40, 50),
                        y = c(9.5, 7.25, 7.25, 5, 2.5, 0.75)),
  # very close to a line but not on it (last point off by 1e-4)
  near8 = list(x = c(1, 2, 3, 4, 5, 6, 7, 8),
               y = c(2, 4, 6, 8, 10, 12, 14, 16.0001)),
  # ordinary data (PAPI 2023 D6 vs total, four provinces)
  papi4 = list(x = c(7.8486, 7.1872, 8.0022, 8.2568),
               y = c(43.9603, 43.5493, 45.78, 45.70))
)
collinear <- function(x, y) {
  xi <- round(x * 1e4); yi <- round(y * 1e4)
  stopifnot(all(abs(xi - x * 1e4) < 1e-6), all(abs(yi - y * 1e4) < 1e-6))
  all((xi - xi[1]) * (yi[2] - yi[1]) == (yi - yi[1]) * (xi[2] - xi[1]))
}
for (nm in names(cases)) {
  x <- cases[[nm]]$x; y <- cases[[nm]]$y
  p <- cor.test(x, y, method = "pearson")
  s <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
  rs <- cor(rank(x), rank(y))
  sp_exact <- if (all(rank(x) == rank(y))) 1 else
              if (all(rank(x) == length(x) + 1 - rank(y))) -1 else 0
  pe_exact <- if (collinear(x, y)) sign(p$estimate) else 0
  tsp <- rs * sqrt((length(x) - 2) / (1 - rs^2))
  cat(sprintf("%s.n = %d\n", nm, length(x)))
  cat(sprintf("%s.x = %s\n", nm, paste(sprintf("%.17g", x), collapse = " ")))
  cat(sprintf("%s.y = %s\n", nm, paste(sprintf("%.17g", y), collapse = " ")))
  cat(sprintf("%s.pearson_exact = %d\n", nm, as.integer(pe_exact)))
  cat(sprintf("%s.pearson_r = %.17g\n", nm, p$estimate))
  cat(sprintf("%s.pearson_t = %.17g\n", nm, p$statistic))
  cat(sprintf("%s.pearson_p = %.17g\n", nm, p$p.value))
  cat(sprintf("%s.spearman_exact = %d\n", nm, as.integer(sp_exact)))
  cat(sprintf("%s.spearman_r = %.17g\n", nm, s$estimate))
  cat(sprintf("%s.spearman_t = %.17g\n", nm, tsp))
  cat(sprintf("%s.spearman_p = %.17g\n", nm, s$p.value))
}
