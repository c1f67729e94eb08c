//! 台账 the ledger's rows: the activity, its problem and rectification.

use super::*;

impl ImportRun<'_> {
    /// A filed activity, or the one an earlier import wrote for the same key.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn activity(
        &mut self,
        u: &mut UnitCtx,
        key: String,
        mode: Mode,
        date: NaiveDate,
        officials: &[(i64, String)],
        items: &[(i64, String)],
        place: Option<&str>,
        content: Option<&str>,
        visitors: i64,
    ) -> Result<(i64, bool)> {
        if let Some(id) = Self::known(u, "activities", &key) {
            return Ok((id, false));
        }
        let id = self.ids.take(&mut self.tx, "activities").await?;
        let kind = mode.kind();
        let channel = match kind {
            ActivityKind::Window => Some("window"),
            ActivityKind::Complaint => Some("hotline"),
            ActivityKind::Enforce => Some("on-site"),
            _ => None,
        };
        let date_s = d(date);
        let full = self.pending.activities.add(ActivityRow {
            id: Some(id),
            unit_id: u.unit.id,
            unit_path: u.unit.path.clone(),
            region_id: u.region,
            kind: kind.code().into(),
            mode: mode.code().into(),
            channel: channel.map(Into::into),
            trigger_kind: "regular".into(),
            date: date_s.clone(),
            place: place.map(Into::into),
            content: content.map(Into::into),
            visitors,
            status: ActivityStatus::Filed.code().into(),
            filed_on: Some(d(self.req.today)),
            notes: Some(format!("导入自《{}》", self.req.file_name)),
            created_by: self.actor.user_id,
            created_at: self.now,
            updated_at: self.now,
            import_key: Some(hashed(&key)),
            ..ActivityRow::default()
        });
        self.write_if(full).await?;
        self.new_activities.insert(id);
        for (o, _) in officials {
            let full = self.pending.activity_officials.add(ActivityOfficialRow {
                activity_id: id,
                official_id: *o,
            });
            self.write_if(full).await?;
        }
        for (i, _) in items {
            let full = self.pending.activity_items.add(ActivityItemRow {
                activity_id: id,
                item_id: *i,
            });
            self.write_if(full).await?;
        }
        let f = self
            .flows
            .entry((
                u.unit.path.clone(),
                stats::month_key(&date_s)?,
                kind.code().to_string(),
            ))
            .or_default();
        *f = f.plus(Flow {
            activities: 1,
            visitors,
            participations: officials.len() as i64,
            ..Flow::ZERO
        });
        stats::took_part(
            &date_s,
            officials,
            items,
            &mut self.took_officials,
            &mut self.took_items,
        )?;
        self.sum.activities += 1;
        Self::remember(u, "activities", &key, id);
        Ok((id, true))
    }

    /// A problem in the unit, with its first timeline step.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn problem(
        &mut self,
        u: &mut UnitCtx,
        key: String,
        row: u32,
        activity: i64,
        item: Option<i64>,
        place: Placement,
        source: ProblemSource,
        text: (&str, Option<&str>),
        found_on: NaiveDate,
        state: &ProblemState,
    ) -> Result<(i64, bool)> {
        if let Some(id) = Self::known(u, "problems", &key) {
            return Ok((id, false));
        }
        let id = self.ids.take(&mut self.tx, "problems").await?;
        let found = d(found_on);
        let category = ProblemCategory::guess(&format!("{}{}", text.0, text.1.unwrap_or("")));
        let cause = text.1.and_then(cause_text);
        let (unit, path, region) = if place.unit == u.unit.id {
            (u.unit.id, u.unit.path.clone(), u.region)
        } else {
            (
                place.unit,
                place.path.clone(),
                region_of(&place.path).unwrap_or(place.unit),
            )
        };
        // Judged as the findings' catch-up would judge it (findings.rs), so
        // that the quarter's notice does not wait on a ledger's rows again.
        let status = state.status.code();
        let (shallow, perfunctory) = crate::findings::judge_texts(
            self.req.policy,
            text.0,
            state.measures.as_deref(),
            state.effect.as_deref(),
            status,
        );
        let closed_on = state.closed_on.map(d);
        let found_month = stats::month_key(&found)?;
        let closure_month = closed_on.as_deref().map(stats::month_key).transpose()?;
        if let Some(month) = &closure_month {
            *self
                .closures
                .entry((path.clone(), found_month.clone(), month.clone()))
                .or_default() += 1;
        }
        if !self.new_activities.contains(&activity) {
            // A walk already there found one more problem: counted again.
            self.recount.insert(activity);
        }
        let full = self.pending.problems.add(ProblemRow {
            id: Some(id),
            unit_id: unit,
            unit_path: path.clone(),
            region_id: region,
            section_id: place.section,
            activity_id: Some(activity),
            item_id: item,
            source: source.code().into(),
            category: category.code().into(),
            description: text.0.into(),
            cause,
            disposition: state.disposition.code().into(),
            deadline: state.deadline.map(d),
            status: status.into(),
            measures: state.measures.clone(),
            effect: state.effect.clone(),
            found_on: found.clone(),
            closed_on,
            review_due: state.review_due.map(d),
            created_by: self.actor.user_id,
            created_at: self.now,
            updated_at: self.now,
            import_key: Some(hashed(&key)),
            shallow,
            perfunctory,
            judged: Some(true),
            closure_month: closure_month.clone(),
            ..ProblemRow::default()
        });
        self.write_if(full).await?;
        let note = format!("依《{}》第 {row} 行导入", self.req.file_name);
        let full = self.pending.events.add(ProblemEventRow {
            problem_id: id,
            at: self.now,
            actor_id: self.actor.user_id,
            actor: self.actor.username.clone(),
            action: "import".into(),
            from_status: None,
            to_status: state.status.code().into(),
            note: Some(note),
        });
        self.write_if(full).await?;
        let f = self
            .flows
            .entry((path.clone(), found_month, String::new()))
            .or_default();
        *f = f.plus(Flow {
            problems_found: 1,
            ..Flow::ZERO
        });
        if let Some(month) = closure_month {
            let f = self
                .flows
                .entry((path.clone(), month, String::new()))
                .or_default();
            *f = f.plus(Flow {
                problems_solved: 1,
                ..Flow::ZERO
            });
        }
        if let Some(deadline) =
            stats::open_key(state.status.code(), state.deadline.map(d).as_deref())
        {
            *self.open.entry((path.clone(), deadline)).or_default() += 1;
        }
        self.sum.problems += 1;
        Self::remember(u, "problems", &key, id);
        Ok((id, true))
    }

    /// Checks a new walk's kind and mode against the policy, as the
    /// activity form does; the error names the row and `column`.
    pub(super) fn check_mode(&mut self, sheet: &Sheet, row: u32, column: &str, mode: Mode) -> bool {
        let kind = mode.kind();
        let Some(rule) = self.req.policy.kind(kind) else {
            let kinds: Vec<&str> = ActivityKind::ALL
                .iter()
                .filter(|k| self.req.policy.kind(**k).is_some())
                .map(|k| k.label_zh())
                .collect();
            let what = if kind.label_zh() == mode.label_zh() {
                format!("「{}」", kind.label_zh())
            } else {
                format!("「{}」（{}）", kind.label_zh(), mode.label_zh())
            };
            self.err(
                sheet,
                RowError::new(
                    row,
                    column,
                    format!("本地规则未开展{what}活动，可选：{}", kinds.join("、")),
                ),
            );
            return false;
        };
        if !rule.modes.contains(&mode) {
            let allowed: Vec<&str> = rule.modes.iter().map(|m| m.label_zh()).collect();
            self.err(
                sheet,
                RowError::new(
                    row,
                    column,
                    format!(
                        "「{}」不是本地规则「{}」的方式，可选：{}",
                        mode.label_zh(),
                        kind.label_zh(),
                        allowed.join("、")
                    ),
                ),
            );
            return false;
        }
        true
    }

    /// The state a new problem starts in, from what its row says, under the
    /// rules the web form applies (the policy's statuses, dates in order,
    /// measures and effect that say something when the problem is closed or
    /// awaits verification). `None` (with the errors kept) when refused.
    pub(super) fn rectification(
        &mut self,
        sheet: &Sheet,
        r: &Rectification<'_>,
    ) -> Option<ProblemState> {
        let policy = self.req.policy;
        let cal = self.req.calendar;
        let today = self.req.today;
        let (measures_col, effect_col, done_col) = r.columns;
        let mut ok = true;
        if let Some(s) = r.status
            && !policy.rectification.statuses.contains(&s)
        {
            let allowed: Vec<&str> = policy
                .rectification
                .statuses
                .iter()
                .map(|s| s.label_zh())
                .collect();
            self.err(
                sheet,
                RowError::new(
                    r.row,
                    "整改状态",
                    format!(
                        "本地规则没有「{}」这一状态，可选：{}",
                        s.label_zh(),
                        allowed.join("、")
                    ),
                ),
            );
            ok = false;
        }
        if let Some(dl) = r.deadline
            && dl < r.found_on
        {
            self.err(
                sheet,
                RowError::new(
                    r.row,
                    "整改时限",
                    format!("整改时限 {dl} 早于发现问题的日期 {}", r.found_on),
                ),
            );
            ok = false;
        }
        let closing = match r.status {
            Some(ProblemStatus::Closed) => true,
            Some(_) => false,
            None => r.done_on.is_some_and(|d| d <= today),
        };
        if let Some(done) = r.done_on
            && closing
        {
            if done < r.found_on {
                self.err(
                    sheet,
                    RowError::new(
                        r.row,
                        done_col,
                        format!("完成日期 {done} 早于发现问题的日期 {}", r.found_on),
                    ),
                );
                ok = false;
            }
            if done > today {
                self.err(
                    sheet,
                    RowError::new(
                        r.row,
                        done_col,
                        format!("已销号的问题完成日期 {done} 不能晚于今天"),
                    ),
                );
                ok = false;
            }
        }
        if r.status == Some(ProblemStatus::Closed) && r.done_on.is_none() {
            self.err(
                sheet,
                RowError::new(r.row, done_col, "整改状态为已销号，须填写完成日期"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        let measures = r.measures.cloned();
        let effect = r.effect.cloned();
        let deadline_or = |s: &mut ProblemState, d: Option<NaiveDate>| {
            if let Some(d) = d {
                s.deadline = Some(d);
            }
        };
        let state = match r.status {
            Some(ProblemStatus::Closed) => {
                let done = r.done_on.unwrap_or(today);
                let mut s = imported(
                    policy,
                    cal,
                    r.found_on,
                    Rectified::Closed(done),
                    measures,
                    effect,
                );
                deadline_or(&mut s, r.deadline);
                s
            }
            Some(status) => {
                // An open problem: its deadline is 整改时限 (or a date written
                // in 整改完成时间 by hand), else the policy's default.
                let due = r.deadline.or(r.done_on);
                let mut s = imported(
                    policy,
                    cal,
                    r.found_on,
                    Rectified::Pending,
                    measures,
                    effect,
                );
                deadline_or(&mut s, due);
                s.status = status;
                s
            }
            None => {
                let has = if r.done_with_effect {
                    r.effect.is_some()
                } else {
                    r.measures.is_some()
                };
                let read = match (r.done_on, r.deadline) {
                    (Some(done), _) => rectified(Some(done), has, today),
                    // A deadline and nothing done: under way once measures are written.
                    (None, Some(dl)) if r.measures.is_some() => Rectified::InProgress(dl),
                    _ => Rectified::Pending,
                };
                let mut s = imported(policy, cal, r.found_on, read, measures, effect);
                if let (None, Some(dl)) = (r.done_on, r.deadline) {
                    s.deadline = Some(dl);
                }
                s
            }
        };
        if matches!(
            state.status,
            ProblemStatus::Closed | ProblemStatus::AwaitingVerification
        ) && let Err(e) =
            check_rectification_texts(policy, state.measures.as_deref(), state.effect.as_deref())
        {
            let column = match e.field.as_deref() {
                Some("effect") => effect_col,
                _ => measures_col,
            };
            self.err(sheet, RowError::new(r.row, column, e.message));
            return None;
        }
        Some(state)
    }

    pub(super) async fn ledger(&mut self, c: &mut Current, rows: &[LedgerEntry]) -> Result<()> {
        let sheet = c.sheet.clone();
        for r in rows {
            let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
                continue;
            };
            let names = r.item.as_deref().map(item_names).unwrap_or_default();
            let mut akey = rowkeys::ledger_walk(
                &d(r.date),
                &r.person.name,
                &rowkeys::items_key(&names, None),
                r.mode.code(),
                r.seq.walk,
            );
            let u = self.unit_ctx(c, unit).await?;
            let mut known_walk = Self::known(u, "activities", &akey);
            if known_walk.is_none() && r.seq.walk == 0 {
                // A sitting the window statistics brought, without its items.
                let any = rowkeys::ledger_walk(
                    &d(r.date),
                    &r.person.name,
                    rowkeys::ANY,
                    r.mode.code(),
                    0,
                );
                if let Some(id) = Self::known(u, "activities", &any) {
                    known_walk = Some(id);
                    akey = any;
                }
            }
            let pkey = r
                .problem
                .as_ref()
                .map(|(desc, _)| rowkeys::problem(&akey, desc, r.seq.repeat));
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            if known_walk.is_some() && (pkey.is_none() || known_problem.is_some()) {
                self.sum.unchanged += 1;
                continue;
            }
            // What is new is checked as the forms check it.
            if known_walk.is_none() {
                self.check_mode(&sheet, r.row, "走流程形式", r.mode);
            }
            let place = self
                .placement(c, unit, r.row, r.section.as_ref(), true)
                .await?;
            let state = match &r.problem {
                Some(_) => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: r.date,
                        measures: r.measures.as_ref(),
                        effect: None,
                        done_on: r.done_on,
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("整改及优化措施", "整改及优化措施", "整改完成时间"),
                        done_with_effect: false,
                    },
                ),
                None => None,
            };
            if !self.errors.is_empty() {
                // Once a row is refused nothing will be written; keep only checking.
                continue;
            }
            let Some(place) = place else { continue };
            let (activity, item) = match known_walk {
                Some(id) => {
                    let u = self.unit_ctx(c, unit).await?;
                    (id, names.first().and_then(|n| u.items.get(n).map(|i| i.0)))
                }
                None => {
                    let official = self.official_in(c, unit, &r.person, None).await?;
                    let mut items = Vec::new();
                    for n in &names {
                        items.push(self.item_in(c, unit, n).await?);
                    }
                    let u = self.unit_ctx(c, unit).await?;
                    let content = r.item.clone();
                    let (id, _) = self
                        .activity(
                            u,
                            akey.clone(),
                            r.mode,
                            r.date,
                            &[official],
                            &items,
                            None,
                            content.as_deref(),
                            0,
                        )
                        .await?;
                    (id, items.first().map(|i| i.0))
                }
            };
            if let (Some((desc, cause)), Some(pkey), Some(state)) = (&r.problem, pkey, state) {
                let u = self.unit_ctx(c, unit).await?;
                self.problem(
                    u,
                    pkey,
                    r.row,
                    activity,
                    item,
                    place,
                    ProblemSource::Walk,
                    (desc, cause.as_deref()),
                    r.date,
                    &state,
                )
                .await?;
            }
        }
        Ok(())
    }
}
