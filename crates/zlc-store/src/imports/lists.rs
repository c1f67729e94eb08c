//! 三张清单 problems, needs and rectifications of a quarter.

use super::*;

impl ImportRun<'_> {
    pub(super) async fn lists(&mut self, c: &mut Current, rows: &[ListsEntry]) -> Result<()> {
        let sheet = c.sheet.clone();
        let meta = &sheet.meta;
        let mut ok = true;
        if meta.official.is_none() {
            self.err(
                &sheet,
                RowError::new(2, "负责人姓名", "表头未填写负责人姓名"),
            );
            ok = false;
        }
        let kind = meta.activity_kind;
        if kind.is_none() {
            self.err(
                &sheet,
                RowError::new(
                    2,
                    "参与活动名称",
                    format!(
                        "表头未填写参与活动名称，可选：{}",
                        ActivityKind::choices_zh()
                    ),
                ),
            );
            ok = false;
        }
        if meta.date.is_none() {
            self.err(&sheet, RowError::new(2, "时间", "表头未填写活动时间"));
            ok = false;
        }
        let (Some(official_name), Some(kind), Some(date), true, Some(unit)) =
            (meta.official.as_deref(), kind, meta.date, ok, c.unit)
        else {
            return Ok(());
        };
        let person = PersonRef::parse(official_name).unwrap_or(PersonRef {
            name: official_name.to_string(),
            title: String::new(),
        });
        let default_mode = self
            .req
            .policy
            .kind(kind)
            .and_then(|r| r.modes.first().copied())
            .unwrap_or(kind.modes()[0]);
        // 体验内容 names the service items experienced, except at an
        // enforcement, where it says what was done.
        let experiences_items = kind != ActivityKind::Enforce;
        let mut official: Option<(i64, String)> = None;
        for r in rows {
            let mode = r.mode.unwrap_or(default_mode);
            let names = if experiences_items {
                item_names(&r.content)
            } else {
                Vec::new()
            };
            let place = r.place.trim();
            let items_key = rowkeys::items_key(&names, Some(&r.content));
            let walk = Seq::suffix(r.seq.walk);
            let mut akey = format!(
                "{}{walk}",
                rowkeys::lists_activity(&d(date), &person.name, kind.code(), place, &items_key)
            );
            {
                // A walk the ledger brought, without its place.
                let u = self.unit_ctx(c, unit).await?;
                let any = format!(
                    "{}|{}{walk}",
                    rowkeys::lists_activity(
                        &d(date),
                        &person.name,
                        kind.code(),
                        rowkeys::ANY,
                        &items_key,
                    ),
                    crate::exports::ledger_mode(mode.code()).code()
                );
                if Self::known(u, "activities", &akey).is_none()
                    && let Some(id) = Self::known(u, "activities", &any)
                {
                    akey = any;
                    // It takes the place and the way of walking this table names
                    // (the ledger writes 代理办 as 陪同办 and has no place).
                    if self.errors.is_empty() && mode.kind() == kind && place != "—" {
                        let n = self
                            .tx
                            .execute(
                                "UPDATE activities SET place = $1, mode = $2, version = version + 1, updated_at = $3, judged = NULL \
                                 WHERE id = $4 AND (place IS NULL OR place = '')",
                                args![place, mode.code(), self.now, id],
                            )
                            .await?;
                        if n > 0 {
                            self.sum.activities_updated += 1;
                        }
                    }
                }
            }
            let pkey = r
                .problem
                .as_ref()
                .map(|t| rowkeys::lists_problem(&akey, t, r.seq.repeat));
            let u = self.unit_ctx(c, unit).await?;
            let known_activity = Self::known(u, "activities", &akey);
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            let need_key = r.need.as_ref().map(|t| rowkeys::lists_need(&akey, t));
            let known_need = need_key.as_ref().and_then(|k| Self::known(u, "needs", k));
            let measure_key = r.measure.as_ref().map(|t| rowkeys::lists_measure(&akey, t));
            let known_measure = measure_key
                .as_ref()
                .is_some_and(|k| Self::known(u, "measures", k).is_some());
            // A problem the ledger brought (it has no 整改效果 column) takes
            // the effect this table writes, checked as the close form checks it.
            let mut told_more = false;
            if let (Some(id), Some(effect)) = (known_problem, &r.effect) {
                if let Err(e) = check_rectification_texts(self.req.policy, None, Some(effect)) {
                    self.err(&sheet, RowError::new(r.row, "整改效果", e.message));
                } else if self.errors.is_empty() {
                    let n = self
                        .tx
                        .execute(
                            "UPDATE problems SET effect = $1, version = version + 1, updated_at = $2, judged = NULL WHERE id = $3 AND effect IS NULL",
                            args![effect, self.now, id],
                        )
                        .await?;
                    if n > 0 {
                        self.sum.problems_updated += 1;
                        told_more = true;
                    }
                }
            }
            if known_activity.is_some()
                && (pkey.is_none() || known_problem.is_some())
                && (need_key.is_none() || known_need.is_some())
                && (measure_key.is_none() || known_measure)
            {
                if !told_more {
                    self.sum.unchanged += 1;
                }
                continue;
            }
            if known_activity.is_none() {
                if mode.kind() != kind {
                    let allowed: Vec<&str> = self
                        .req
                        .policy
                        .kind(kind)
                        .map(|rule| rule.modes.iter().map(|m| m.label_zh()).collect())
                        .unwrap_or_default();
                    self.err(
                        &sheet,
                        RowError::new(
                            r.row,
                            "体验方式",
                            format!(
                                "「{}」不是「{}」的方式，可选：{}",
                                mode.label_zh(),
                                kind.label_zh(),
                                allowed.join("、")
                            ),
                        ),
                    );
                } else if self.req.policy.kind(kind).is_none() {
                    self.err(
                        &sheet,
                        RowError::new(
                            2,
                            "参与活动名称",
                            format!("本地规则未开展「{}」活动", kind.label_zh()),
                        ),
                    );
                } else {
                    self.check_mode(&sheet, r.row, "体验方式", mode);
                }
            }
            let state = match &r.problem {
                Some(_) if known_problem.is_none() => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: date,
                        measures: r.measure.as_ref(),
                        effect: r.effect.as_ref(),
                        done_on: r.deadline.filter(|_| {
                            r.status == Some(ProblemStatus::Closed)
                                || (r.status.is_none() && r.effect.is_some())
                        }),
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("拟采取的解决措施", "整改效果", "完成时限"),
                        done_with_effect: true,
                    },
                ),
                _ => None,
            };
            if !self.errors.is_empty() {
                continue;
            }
            let official = match &official {
                Some(o) => o.clone(),
                None => {
                    let o = self.official_in(c, unit, &person, None).await?;
                    official = Some(o.clone());
                    o
                }
            };
            let mut items = Vec::new();
            if known_activity.is_none() {
                for n in &names {
                    items.push(self.item_in(c, unit, n).await?);
                }
            }
            let u = self.unit_ctx(c, unit).await?;
            let (activity, _) = self
                .activity(
                    u,
                    akey.clone(),
                    mode,
                    date,
                    std::slice::from_ref(&official),
                    &items,
                    Some(place),
                    Some(&r.content),
                    0,
                )
                .await?;
            let closed_on = state.as_ref().and_then(|s| s.closed_on);
            let mut problem_id = known_problem;
            if let (Some(text), Some(pkey), Some(state)) = (&r.problem, pkey, state.as_ref()) {
                let item = items.first().map(|i| i.0);
                let (id, _) = self
                    .problem(
                        u,
                        pkey,
                        r.row,
                        activity,
                        item,
                        Placement {
                            unit,
                            path: u.unit.path.clone(),
                            section: None,
                        },
                        ProblemSource::Walk,
                        (text, None),
                        date,
                        state,
                    )
                    .await?;
                problem_id = Some(id);
            }
            let mut need_id = known_need;
            if let (Some(text), Some(key), None) = (&r.need, need_key, known_need) {
                let id = self.ids.take(&mut self.tx, "needs").await?;
                let status = match (&r.measure, closed_on) {
                    (Some(_), Some(_)) => "met",
                    (Some(_), None) => "answered",
                    _ => "open",
                };
                let full = self.pending.needs.add(NeedRow {
                    version: rows::Version::FIRST,
                    id: Some(id),
                    unit_id: u.unit.id,
                    unit_path: u.unit.path.clone(),
                    region_id: u.region,
                    activity_id: Some(activity),
                    problem_id,
                    raised_by: "citizen".into(),
                    content: text.clone(),
                    response: r.measure.clone(),
                    status: status.into(),
                    raised_on: d(date),
                    closed_on: closed_on.filter(|_| status == "met").map(d),
                    created_by: self.actor.user_id,
                    created_at: self.now,
                    updated_at: self.now,
                    import_key: Some(hashed(&key)),
                    judged: None,
                });
                self.write_if(full).await?;
                let f = self
                    .flows
                    .entry((
                        u.unit.path.clone(),
                        stats::month_key(&d(date))?,
                        String::new(),
                    ))
                    .or_default();
                *f = f.plus(Flow {
                    needs: 1,
                    ..Flow::ZERO
                });
                self.sum.needs += 1;
                Self::remember(u, "needs", &key, id);
                need_id = Some(id);
            }
            if let (Some(text), Some(key), false) = (&r.measure, measure_key, known_measure) {
                let id = self.ids.take(&mut self.tx, "measures").await?;
                let status = match (closed_on, r.deadline) {
                    (Some(_), _) => "done",
                    (None, Some(_)) => "in-progress",
                    _ => "planned",
                };
                let full = self.pending.measures.add(MeasureRow {
                    version: rows::Version::FIRST,
                    id: Some(id),
                    unit_id: u.unit.id,
                    unit_path: u.unit.path.clone(),
                    region_id: u.region,
                    problem_id,
                    need_id,
                    activity_id: Some(activity),
                    content: text.clone(),
                    deadline: r.deadline.map(d),
                    done_on: closed_on.map(d),
                    effect: r.effect.clone(),
                    status: status.into(),
                    created_by: self.actor.user_id,
                    created_at: self.now,
                    updated_at: self.now,
                    import_key: Some(hashed(&key)),
                });
                self.write_if(full).await?;
                self.sum.measures += 1;
                Self::remember(u, "measures", &key, id);
            }
        }
        Ok(())
    }
}
