#include "report/transfer_figure.h"

#include <cstdio>

namespace mixrun {
namespace {

std::string ThreeDigits(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

}  // namespace

Figure RankTransferFigure(const RankTransfer& transfer) {
  const std::string& small = transfer.small.name;
  const std::string& large = transfer.large.name;
  Figure figure;
  figure.name = "rank_transfer";
  figure.title = "Rank transfer of " + transfer.metric + ": " + small + " → " + large;
  figure.columns = {"small_rank", "large_rank", "small_value", "large_value", "small_top_k"};
  for (size_t i = 0; i < transfer.n(); ++i) {
    const PairedMixture& pair = transfer.pairs[i];
    figure.AddRow({double(pair.small_rank), double(pair.large_rank), pair.small, pair.large,
                   i < transfer.top_k ? 1.0 : 0.0});
  }
  figure.caption = "Each point is a mixture both experiments ran (" + std::to_string(transfer.n()) +
                   " pairs; seeds of one mixture averaged): its rank by " + transfer.metric +
                   " at " + small + " (x) and at " + large + " (y), 1 = best (" +
                   (transfer.higher_is_better ? "highest" : "lowest") +
                   "). On the dashed line the ranking holds. Spearman ρ " +
                   ThreeDigits(transfer.spearman) + ", Kendall τ-b " +
                   ThreeDigits(transfer.kendall_tau_b) + ", top-" + std::to_string(transfer.top_k) +
                   " overlap " + std::to_string(transfer.top_k_shared) + " of " +
                   std::to_string(transfer.top_k) + ". Measured values: no interval.";
  figure.plot = "set xlabel " + GnuplotQuote("rank at " + small) + "\nset ylabel " +
                GnuplotQuote("rank at " + large) +
                "\nplot data using 1:($5==0 ? $2 : 1/0) with points pt 7 ps 0.7 lc rgb '#1f77b4' "
                "title 'mixtures', \\\n  data using 1:($5==1 ? $2 : 1/0) with points pt 5 ps 1.1 "
                "lc rgb '#d62728' title " +
                GnuplotQuote("top " + std::to_string(transfer.top_k) + " at " + small) +
                ", \\\n  x with lines dt 2 lc rgb '#555555' title 'y = x'\n";
  return figure;
}

}  // namespace mixrun
