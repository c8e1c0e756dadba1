// The store's study rounds (schema version 3): what `mixrun study` records after each round.
#include "store/sqlite.h"
#include "store/store.h"

namespace mixrun {

Status Store::PutStudyRound(const StudyRoundRow& row) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert,
      db_->Prepare("INSERT OR REPLACE INTO study_rounds (experiment_id, round, runs, fit_id, "
                   "recommendation_id, predicted_loss, interval_low, interval_high, "
                   "suggestions_json, stop_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                   "?10)"));
  insert.Bind(1, row.experiment_id).Bind(2, row.round).Bind(3, row.runs).Bind(4, row.fit_id);
  insert.Bind(5, row.recommendation_id).Bind(6, row.predicted_loss).Bind(7, row.interval_low);
  insert.Bind(8, row.interval_high).Bind(9, row.suggestions_json);
  if (row.stop_reason.empty()) {
    insert.BindNull(10);
  } else {
    insert.Bind(10, row.stop_reason);
  }
  return insert.Run();
}

Result<std::vector<StudyRoundRow>> Store::ListStudyRounds(int64_t experiment_id) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare("SELECT experiment_id, round, runs, fit_id, recommendation_id, predicted_loss, "
                   "interval_low, interval_high, suggestions_json, stop_reason, created_at "
                   "FROM study_rounds WHERE experiment_id = ?1 ORDER BY round"));
  query.Bind(1, experiment_id);
  std::vector<StudyRoundRow> rounds;
  while (query.Step()) {
    StudyRoundRow row;
    row.experiment_id = query.Int(0);
    row.round = static_cast<int>(query.Int(1));
    row.runs = static_cast<int>(query.Int(2));
    if (!query.IsNull(3)) row.fit_id = query.Int(3);
    if (!query.IsNull(4)) row.recommendation_id = query.Int(4);
    row.predicted_loss = query.Double(5);
    row.interval_low = query.Double(6);
    row.interval_high = query.Double(7);
    row.suggestions_json = query.Text(8);
    if (!query.IsNull(9)) row.stop_reason = query.Text(9);
    row.created_at = query.Text(10);
    rounds.push_back(std::move(row));
  }
  MIXRUN_RETURN_IF_ERROR(query.status());
  return rounds;
}

}  // namespace mixrun
