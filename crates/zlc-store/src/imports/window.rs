//! 坐窗口 the window sittings: the schedule and the statistics.

use super::*;

impl ImportRun<'_> {
    pub(super) async fn window_stats(
        &mut self,
        c: &mut Current,
        rows: &[WindowStatEntry],
    ) -> Result<()> {
        let sheet = c.sheet.clone();
        // Rows of one sitting (same day, same person) are one activity; it
        // received as many people as the largest figure its rows give.
        let mut visitors: HashMap<(Option<&String>, NaiveDate, u32, &str), i64> = HashMap::new();
        for r in rows {
            let v = visitors
                .entry((r.unit.as_ref(), r.date, r.seq.walk, r.person.name.as_str()))
                .or_default();
            *v = (*v).max(r.visitors);
        }
        if self.req.policy.kind(ActivityKind::Window).is_none()
            && let Some(r) = rows.first()
        {
            self.err(
                &sheet,
                RowError::new(r.row, "", "本地规则未开展「坐窗口」活动"),
            );
            return Ok(());
        }
        for r in rows {
            let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
                continue;
            };
            let akey = rowkeys::window_sitting(&d(r.date), &r.person.name, r.seq.walk);
            let pkey = r
                .problem
                .as_ref()
                .map(|(_, desc)| rowkeys::problem(&akey, desc, r.seq.repeat));
            let received = visitors
                .get(&(r.unit.as_ref(), r.date, r.seq.walk, r.person.name.as_str()))
                .copied()
                .unwrap_or(r.visitors);
            let u = self.unit_ctx(c, unit).await?;
            let known_sitting = Self::known(u, "activities", &akey);
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            let sitting_key = format!("{unit}|{akey}");
            // A sitting already there (the ledger brings sittings without
            // the people received) takes the table's figure when larger.
            let mut raised = false;
            if let Some(id) = known_sitting
                && let Some(had) = u.visitors.get(&id).copied()
                && received > had
                && self.errors.is_empty()
            {
                let f = self
                    .flows
                    .entry((
                        u.unit.path.clone(),
                        stats::month_key(&d(r.date))?,
                        "window".into(),
                    ))
                    .or_default();
                *f = f.plus(Flow {
                    visitors: received - had,
                    ..Flow::ZERO
                });
                u.visitors.insert(id, received);
                self.raised.insert(id, received);
                self.sum.activities_updated += 1;
                raised = true;
            }
            // A problem the ledger brought (it has no 问题来源 column) takes
            // the source the statistics name.
            if let (Some(id), Some((source, _)), true) =
                (known_problem, &r.problem, self.errors.is_empty())
                && matches!(
                    source,
                    ProblemSource::Public | ProblemSource::Staff | ProblemSource::SelfCheck
                )
            {
                let n = self
                    .tx
                    .execute(
                        "UPDATE problems SET source = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND source = $4",
                        args![source.code(), self.now, id, ProblemSource::Walk.code()],
                    )
                    .await?;
                if n > 0 {
                    self.sum.problems_updated += 1;
                    raised = true;
                }
            }
            if known_sitting.is_some()
                && (pkey.is_none() || known_problem.is_some())
                && !c.sittings.contains_key(&sitting_key)
            {
                if !raised {
                    self.sum.unchanged += 1;
                }
                continue;
            }
            let place = self
                .placement(c, unit, r.row, r.section.as_ref(), true)
                .await?;
            let state = match &r.problem {
                Some(_) if known_problem.is_none() => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: r.date,
                        measures: r.measures.as_ref(),
                        effect: None,
                        done_on: r.done_on,
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("整改措施", "整改措施", "整改完成时间"),
                        done_with_effect: false,
                    },
                ),
                _ => None,
            };
            if !self.errors.is_empty() {
                continue;
            }
            let Some(place) = place else { continue };
            let official = match known_sitting {
                Some(_) => (0, String::new()),
                None => self.official_in(c, unit, &r.person, None).await?,
            };
            // A sitting this import wrote from an earlier batch takes the
            // larger figure; its statistics follow.
            if let Some((id, had, path, month)) = c.sittings.get_mut(&sitting_key)
                && received > *had
            {
                let f = self
                    .flows
                    .entry((path.clone(), month.clone(), "window".into()))
                    .or_default();
                *f = f.plus(Flow {
                    visitors: received - *had,
                    ..Flow::ZERO
                });
                *had = received;
                self.raised.insert(*id, received);
            }
            let u = self.unit_ctx(c, unit).await?;
            let path = u.unit.path.clone();
            let (activity, mut new) = self
                .activity(
                    u,
                    akey.clone(),
                    Mode::Window,
                    r.date,
                    &[official],
                    &[],
                    None,
                    None,
                    received,
                )
                .await?;
            if new {
                c.sittings.insert(
                    sitting_key,
                    (activity, received, path, stats::month_key(&d(r.date))?),
                );
            }
            if let (Some((source, desc)), Some(pkey), Some(state)) = (&r.problem, pkey, state) {
                let u = self.unit_ctx(c, unit).await?;
                let (_, p) = self
                    .problem(
                        u,
                        pkey,
                        r.row,
                        activity,
                        None,
                        place,
                        *source,
                        (desc, None),
                        r.date,
                        &state,
                    )
                    .await?;
                new |= p;
            }
            if !new {
                self.sum.unchanged += 1;
            }
        }
        Ok(())
    }

    pub(super) async fn schedule_row(&mut self, c: &mut Current, r: &ScheduleEntry) -> Result<()> {
        let sheet = c.sheet.clone();
        if self.req.policy.kind(ActivityKind::Window).is_none() {
            self.err(
                &sheet,
                RowError::new(r.row, "", "本地规则未开展「坐窗口」活动"),
            );
            return Ok(());
        }
        let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
            return Ok(());
        };
        if !self.errors.is_empty() {
            return Ok(());
        }
        let key = rowkeys::schedule_plan(&r.date.to_string(), r.slot.code(), &r.person.name);
        let u = self.unit_ctx(c, unit).await?;
        if Self::known(u, "plans", &key).is_some() {
            self.sum.unchanged += 1;
            return Ok(());
        }
        let (official, _) = self
            .official_in(c, unit, &r.person, r.phone.as_deref())
            .await?;
        let u = self.unit_ctx(c, unit).await?;
        let id = self.ids.take(&mut self.tx, "plans").await?;
        let full = self.pending.plans.add(PlanRow {
            id: Some(id),
            unit_id: u.unit.id,
            unit_path: u.unit.path.clone(),
            region_id: u.region,
            kind: "window".into(),
            mode: Some("window".into()),
            date: d(r.date),
            slot: r.slot.code().into(),
            place: "window".into(),
            status: "draft".into(),
            place_note: r.note.clone(),
            created_by: self.actor.user_id,
            created_at: self.now,
            updated_at: self.now,
            import_key: Some(hashed(&key)),
            ..PlanRow::default()
        });
        self.write_if(full).await?;
        let full = self.pending.plan_officials.add(PlanOfficialRow {
            plan_id: id,
            official_id: official,
        });
        self.write_if(full).await?;
        self.sum.plans += 1;
        Self::remember(u, "plans", &key, id);
        Ok(())
    }
}
