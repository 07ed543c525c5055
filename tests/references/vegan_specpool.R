# Reference values from R vegan for tests/analysis/test_saturation.py.
#
#   Rscript tests/references/vegan_specpool.R <incidence.csv>
#
# <incidence.csv>: interviews as rows, codes as columns, 0/1 cells, with a header row.
# Prints CSV lines "quantity,position,value": every column of specpool() (position 0) and the
# expected richness of specaccum(method = "exact") after 1..N interviews.
suppressPackageStartupMessages(library(vegan))
args <- commandArgs(trailingOnly = TRUE)
incidence <- as.matrix(read.csv(args[1], check.names = FALSE))
pool <- specpool(incidence)
exact <- specaccum(incidence, method = "exact")
rows <- rbind(
  data.frame(quantity = names(pool), position = 0, value = unlist(pool[1, ])),
  data.frame(quantity = "specaccum_exact", position = exact$sites, value = exact$richness)
)
write.csv(rows, stdout(), row.names = FALSE, quote = FALSE)
