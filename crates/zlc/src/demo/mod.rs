//! 演示数据 a believable campaign, deterministic for a seed.
//!
//! The registry: `small` is one district (示范区) with its departments,
//! streets, public-service enterprises, sections and a service hall, written
//! through the store API (every record validated and audited); `city`,
//! `province` and `national` build a tree of such districts under cities and
//! provinces and bulk-write it ([`model`]). Then one account for each working
//! role, and the campaign over the registry ([`campaign`]): plans,
//! activities of every kind with callbacks, problems with their timelines,
//! needs and measures, bulk-written through `zlc_store::bulk` with ONE audit
//! entry for the whole generation (action `demo`, the counts as `after`).
//!
//! # The span
//! The four full quarters before the current one plus the current quarter up
//! to yesterday (so on 2026-11-22: 2025-10-01 … 2026-11-21), at the yearly
//! rates of interface.md; plans are also published for the rest of the
//! current quarter. "Today" is the local date, or `ZLC_DEMO_TODAY`
//! (YYYY-MM-DD) to pin it: the same seed and the same today give the same
//! rows (personal data is sealed with a fresh nonce each time, so only its
//! ciphertext differs).

pub mod campaign;
pub mod model;
pub mod text;

use std::sync::Arc;

use anyhow::{Result, bail};
use zlc_domain::ids::UnitId;
use zlc_domain::kinds::Rank;
use zlc_domain::registry::{ProcessFigures, UnitCategory as C, UnitInput, UnitKind};
use zlc_store::accounts::NewUser;
use zlc_store::registry::{ItemInput, OfficialInput};
use zlc_store::{Actor, Scope, Store};

/// 规模 the size of a demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// One district, ~40 units, ~200 officials.
    Small,
    /// A city with ~10 districts and its departments.
    City,
    /// A province with ~11 cities.
    Province,
    /// The whole country: 31 provinces, ≈3,000 regions.
    National,
}

impl Scale {
    pub fn parse(s: &str) -> Result<Scale> {
        match s {
            "small" => Ok(Scale::Small),
            "city" => Ok(Scale::City),
            "province" => Ok(Scale::Province),
            "national" => Ok(Scale::National),
            _ => bail!("未知的规模「{s}」，可选：small、city、province、national"),
        }
    }
}

/// The demo accounts' password: `ZLC_DEMO_PASSWORD` or a default.
pub fn demo_password() -> String {
    std::env::var("ZLC_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "Zlc-Demo-2024!".into())
}

/// The day the demo is generated as of: `ZLC_DEMO_TODAY` or the local date.
pub fn demo_today() -> Result<chrono::NaiveDate> {
    match std::env::var("ZLC_DEMO_TODAY") {
        Ok(s) if !s.trim().is_empty() => {
            Ok(chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!("ZLC_DEMO_TODAY 应为 YYYY-MM-DD：{s}"))?)
        }
        _ => Ok(zlc_app::clock::today()),
    }
}

/// The first day of the quarter four quarters before `today`'s.
pub fn span_start(today: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let q = (today.month0() / 3) as i32;
    let idx = today.year() * 4 + q - 4;
    chrono::NaiveDate::from_ymd_opt(idx.div_euclid(4), (idx.rem_euclid(4) * 3 + 1) as u32, 1)
        .unwrap_or(today)
}

/// Fills an empty database with the demo data set of `scale`.
pub async fn generate(store: &Store, scale: Scale, seed: u64) -> Result<()> {
    if !store.root_units().await?.is_empty() {
        bail!("数据库中已有单位数据，演示数据只能写入空库（请指定新的 --data-dir 或数据库）");
    }
    let started = std::time::Instant::now();
    let today = demo_today()?;
    let actor = Actor::system("demo");
    let mut written: Vec<u64> = vec![0; campaign::TABLES.len()];
    let model = match scale {
        Scale::Small => {
            small_registry(store, seed).await?;
            model::Model::load(store).await?
        }
        _ => {
            let mut rng = Rng::new(seed);
            let mut b = model::Builder::new(&mut rng);
            match scale {
                Scale::City => b.city(None, (9, 11)),
                Scale::Province => b.province(
                    None,
                    "示范省",
                    model::Shape {
                        provinces: 1,
                        cities: (10, 12),
                        counties: (8, 11),
                    },
                ),
                _ => b.nation(model::Shape {
                    provinces: 31,
                    cities: (8, 10),
                    counties: (8, 11),
                }),
            }
            let m = Arc::new(b.m);
            let cipher = store.cipher.clone();
            let created = campaign_ms(today);
            let mm = m.clone();
            let counts = pump(store, "单位人员事项", m.units.len(), move |out| {
                campaign::registry_rows(&mm, &cipher, created, out)
            })
            .await?;
            add_counts(&mut written, &counts);
            let find = |suffix: &str| {
                m.units
                    .iter()
                    .filter(|u| u.kind == "department" && u.name.ends_with(suffix))
                    .min_by_key(|u| (u.depth, u.id))
                    .map(|u| u.id)
                    .unwrap_or(1)
            };
            let market = find("市场监督管理局");
            let section = m
                .units
                .iter()
                .find(|u| u.parent == Some(market) && u.kind == "section")
                .map_or(market, |u| u.id);
            let head = m
                .officials
                .iter()
                .find(|o| o.unit_id == market && o.rank == Rank::Head)
                .map_or(1, |o| o.id);
            create_accounts(
                store,
                &actor,
                1,
                (market, section, head),
                find("人力资源和社会保障局"),
            )
            .await?;
            Arc::try_unwrap(m).unwrap_or_else(|m| model::Model {
                units: m.units.clone(),
                officials: m.officials.clone(),
                items: m.items.clone(),
            })
        }
    };
    let user = |name: &'static str| async move {
        let id: Option<i64> = store
            .db
            .scalar(
                "SELECT id FROM users WHERE username = $1",
                zlc_store::args![name],
            )
            .await?;
        anyhow::Ok((id.unwrap_or(0), name.to_string()))
    };
    let policy = match store.active_policy().await? {
        Some(p) => zlc_domain::policy::Policy::from_toml(&p.source).ok(),
        None => None,
    }
    .or_else(|| {
        zlc_domain::policy::preset(zlc_app::setup::DEFAULT_PRESET)
            .and_then(|p| zlc_domain::policy::Policy::from_toml(p.source).ok())
    });
    let mut steps = std::collections::HashMap::new();
    let mut review_days = 30;
    if let Some(p) = &policy {
        for k in zlc_domain::kinds::ActivityKind::ALL {
            if let Some(rule) = p.kind(*k) {
                steps.insert(
                    k.code(),
                    rule.steps.iter().map(|s| s.code.clone()).collect(),
                );
            }
        }
        review_days = (p.rectification.review_date(today) - today).num_days();
    }
    let params = campaign::Params {
        seed,
        from: span_start(today),
        today,
        handler: user("demo-handler").await?,
        verifier: user("demo-supervisor").await?,
        steps,
        review_days,
        policy: policy
            .clone()
            .ok_or_else(|| anyhow::anyhow!("没有可用的活动规则，无法生成演示数据"))?,
        rate: match scale {
            Scale::Small => 4.0,
            _ => 4.6,
        },
    };
    let cipher = store.cipher.clone();
    let units = model.units.len();
    let model = Arc::new(model);
    let counts = pump(store, "活动与台账", units, move |out| {
        campaign::campaign(&model, &params, &cipher, out)
    })
    .await?;
    add_counts(&mut written, &counts);
    // The bulk path skips the per-record upkeep of the statistics' summaries.
    eprintln!("正在汇总统计……");
    store.rebuild_stats().await?;
    // And of the facts findings are judged on, so that the first report is
    // quick. The generator judged each problem's texts under the policy and
    // counted each activity's problems and needs as it wrote them: what is
    // left are the findings' days and modes.
    if let Some(p) = &policy {
        store.texts_judged_under(p).await?;
        store.rebuild_finding_days().await?;
        store.catch_up_findings(p).await?;
    }
    let mut after = serde_json::Map::new();
    after.insert("scale".into(), format!("{scale:?}").to_lowercase().into());
    after.insert("seed".into(), seed.into());
    after.insert("as_of".into(), today.to_string().into());
    for (t, n) in campaign::TABLES.iter().zip(&written) {
        after.insert(t.name.into(), (*n).into());
    }
    zlc_store::bulk::audit_load(
        store,
        &actor,
        zlc_store::audit::Change {
            action: "demo",
            entity: "demo",
            entity_id: None,
            before: None,
            after: Some(serde_json::Value::Object(after)),
        },
    )
    .await?;
    let count = |table: &'static str| async move {
        let n: Option<i64> = store
            .db
            .scalar(&format!("SELECT COUNT(*) FROM {table}"), vec![])
            .await?;
        anyhow::Ok(n.unwrap_or(0))
    };
    println!(
        "已生成：{} 个单位，{} 名人员，{} 项事项，5 个演示账号；{} 项计划，{} 次活动，{} 条回访，{} 个问题（{} 条整改过程），{} 项需求，{} 项整改措施；用时 {:.1} 秒",
        count("units").await?,
        count("officials").await?,
        count("items").await?,
        written[4],
        written[7],
        written[10],
        written[11],
        written[12],
        written[13],
        written[14],
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn add_counts(into: &mut [u64], from: &[u64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// The registry's creation instant: the first day of the span, 08:00.
fn campaign_ms(today: chrono::NaiveDate) -> i64 {
    span_start(today)
        .and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp_millis())
}

/// Runs a generator on a blocking thread and writes what it makes through
/// the bulk path as it comes, with a progress bar over `total` units.
async fn pump<F>(store: &Store, label: &'static str, total: usize, f: F) -> Result<Vec<u64>>
where
    F: FnOnce(&mut campaign::Out) -> Result<()> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let generator = tokio::task::spawn_blocking(move || {
        let mut out = campaign::Out::new(tx.clone());
        let r = f(&mut out);
        out.flush();
        if let Err(e) = &r {
            let _ = tx.blocking_send(campaign::Msg::Failed(format!("{e:#}")));
        }
        r.map(|_| out.counts)
    });
    let bar = Progress::new(label, total);
    let mut bulk = zlc_store::bulk::Bulk::begin(&store.db).await?;
    let mut failed = None;
    while let Some(msg) = rx.recv().await {
        match msg {
            campaign::Msg::Rows(i, v) => bulk.insert(campaign::TABLES[i], v).await?,
            campaign::Msg::Tick(n) => bar.set(n, bulk.written()),
            campaign::Msg::Failed(e) => failed = Some(e),
        }
    }
    let counts = generator.await??;
    if let Some(e) = failed {
        bail!("演示数据生成失败：{e}");
    }
    let n = bulk.finish().await?;
    bar.set(total, n);
    eprintln!();
    Ok(counts)
}

/// SplitMix64: small, fast and deterministic for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文博", "晓东", "海燕", "志强", "雪梅", "国栋",
    "丽华", "红梅", "建国", "新民", "春生", "宏伟", "晓燕",
];

pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.pick(&[
        "138", "139", "136", "137", "150", "151", "158", "183", "186", "189", "177", "135",
    ]);
    format!("{prefix}{:08}", rng.next_u64() % 100_000_000)
}

/// A department of the demo district: name, categories, sections, items it handles.
struct Dept {
    name: &'static str,
    cats: &'static [C],
    sections: &'static [&'static str],
    items: &'static [(&'static str, &'static str, &'static str)],
}

/// Departments from seed 003 附件1 (碑林区) in a generic 示范区.
const DEPTS: &[Dept] = &[
    Dept {
        name: "区行政审批服务局",
        cats: &[C::Approval, C::PolicyMaking],
        sections: &["综合科", "企业服务科", "社会事务科"],
        items: &[
            ("企业开办“一件事”", "one-thing", "licensing"),
            ("食品经营许可", "high-frequency", "licensing"),
            ("建设工程规划许可", "integrated", "licensing"),
            ("公共场所卫生许可", "high-frequency", "licensing"),
        ],
    },
    Dept {
        name: "区市场监督管理局",
        cats: &[C::Approval, C::Enforcement, C::PolicyMaking],
        sections: &["登记注册科", "食品安全科", "执法稽查科"],
        items: &[
            ("个体工商户登记", "high-frequency", "confirmation"),
            ("企业变更登记", "high-frequency", "confirmation"),
            ("特种设备使用登记", "other", "filing"),
        ],
    },
    Dept {
        name: "区人力资源和社会保障局",
        cats: &[C::Approval, C::Enforcement, C::Complaints],
        sections: &["就业促进科", "社会保险科", "劳动监察大队"],
        items: &[
            ("失业保险金申领", "high-frequency", "benefit"),
            ("灵活就业人员参保登记", "high-frequency", "public-service"),
            ("创业担保贷款申请", "one-thing", "benefit"),
        ],
    },
    Dept {
        name: "区住房和城乡建设局",
        cats: &[C::Approval, C::Enforcement, C::Complaints],
        sections: &["建筑市场科", "房屋管理科"],
        items: &[
            ("建筑工程施工许可证核发", "integrated", "licensing"),
            ("商品房预售许可", "other", "licensing"),
            ("房屋维修资金使用审核", "other", "other-power"),
        ],
    },
    Dept {
        name: "区医疗保障局",
        cats: &[C::Approval, C::Complaints],
        sections: &["待遇保障科", "基金监管科"],
        items: &[
            ("异地就医备案", "cross-region", "filing"),
            ("门诊慢特病待遇认定", "high-frequency", "confirmation"),
        ],
    },
    Dept {
        name: "区民政局",
        cats: &[C::Approval, C::Complaints],
        sections: &["社会救助科", "婚姻登记处"],
        items: &[
            ("最低生活保障审核确认", "high-frequency", "benefit"),
            ("婚姻登记", "high-frequency", "confirmation"),
        ],
    },
    Dept {
        name: "区卫生健康局",
        cats: &[C::Approval, C::Enforcement],
        sections: &["医政医管科", "卫生监督所"],
        items: &[
            ("医疗机构执业登记", "other", "licensing"),
            ("出生医学证明办理", "one-thing", "public-service"),
        ],
    },
    Dept {
        name: "区城市管理和综合执法局",
        cats: &[C::Enforcement, C::Complaints],
        sections: &["市容科", "执法大队"],
        items: &[
            ("城市建筑垃圾处置核准", "other", "licensing"),
            ("户外广告设置许可", "other", "licensing"),
        ],
    },
    Dept {
        name: "区教育局",
        cats: &[C::Approval, C::Complaints, C::PolicyMaking],
        sections: &["基础教育科"],
        items: &[
            ("义务教育阶段入学登记", "high-frequency", "public-service"),
            ("民办学校设立审批", "other", "licensing"),
        ],
    },
    Dept {
        name: "区发展和改革委员会",
        cats: &[C::Approval, C::PolicyMaking],
        sections: &["投资科"],
        items: &[("企业投资项目备案", "high-frequency", "filing")],
    },
    Dept {
        name: "区财政局",
        cats: &[C::PolicyMaking],
        sections: &["政府采购科"],
        items: &[],
    },
    Dept {
        name: "区司法局",
        cats: &[C::Approval, C::Enforcement],
        sections: &["公共法律服务科"],
        items: &[("法律援助申请", "high-frequency", "public-service")],
    },
    Dept {
        name: "区应急管理局",
        cats: &[C::Approval, C::Enforcement],
        sections: &["安全生产科"],
        items: &[("危险化学品经营许可", "other", "licensing")],
    },
    Dept {
        name: "区退役军人事务局",
        cats: &[C::Approval],
        sections: &["优抚科"],
        items: &[("退役士兵自主就业一次性经济补助", "other", "benefit")],
    },
    Dept {
        name: "区税务局",
        cats: &[C::Approval, C::Complaints],
        sections: &["纳税服务科"],
        items: &[
            ("发票申领", "high-frequency", "other-power"),
            ("个人所得税汇算清缴", "high-frequency", "public-service"),
        ],
    },
    Dept {
        name: "公安分局",
        cats: &[C::Approval, C::Enforcement, C::Complaints],
        sections: &["户政科", "出入境管理科"],
        items: &[
            ("居民身份证办理", "high-frequency", "licensing"),
            ("户口迁移", "cross-region", "licensing"),
        ],
    },
    Dept {
        name: "区统计局",
        cats: &[C::Enforcement],
        sections: &["执法监督科"],
        items: &[],
    },
    Dept {
        name: "区档案馆",
        cats: &[C::Approval],
        sections: &["利用服务科"],
        items: &[("档案查询利用", "other", "public-service")],
    },
];

const STREETS: &[&str] = &[
    "南门街道办事处",
    "东关街道办事处",
    "文艺路街道办事处",
    "长安路街道办事处",
];
const ENTERPRISES: &[(&str, &str)] = &[
    ("示范区供水有限公司", "用水报装"),
    ("国网示范区供电公司", "低压用电报装"),
    ("示范区天然气有限公司", "燃气开户"),
    ("示范区热力有限公司", "供热报装"),
];

/// Writes the `small` registry through the store, so every record is
/// validated and audited like one a user entered.
async fn small_registry(store: &Store, seed: u64) -> Result<()> {
    let actor = Actor::system("demo");
    let all = Scope::all();
    let mut rng = Rng::new(seed);
    let unit = |name: &str, parent: Option<i64>, kind: UnitKind, cats: &[C]| {
        UnitInput::new(name, parent.map(UnitId), kind, cats.to_vec(), None, 0)
    };
    let steps = DEPTS.len() + STREETS.len() + ENTERPRISES.len() + 2;
    let bar = Progress::new("演示数据", steps);

    // The district's notices are issued by its lead office (牵头单位).
    let root = store
        .create_unit(
            &actor,
            &all,
            &unit("示范区", None, UnitKind::Region, &[])?
                .with_lead_office(Some("示范区营商环境建设办公室"))?,
        )
        .await?;
    let lead = store
        .create_unit(
            &actor,
            &all,
            &unit(
                "区营商环境建设办公室",
                Some(root.id),
                UnitKind::Department,
                &[C::PolicyMaking],
            )?,
        )
        .await?;
    let hall = store
        .create_unit(
            &actor,
            &all,
            &unit(
                "区政务服务中心",
                Some(root.id),
                UnitKind::Hall,
                &[C::Approval],
            )?,
        )
        .await?;
    bar.tick();
    let mut officials = 0;
    let mut add_official =
        async |unit_id: i64, rank: Rank, title: String, rng: &mut Rng| -> Result<i64> {
            let o = store
                .create_official(
                    &actor,
                    &all,
                    &OfficialInput {
                        unit_id,
                        name: person_name(rng),
                        title,
                        rank: rank.code().into(),
                        phone: Some(mobile(rng)),
                        active: true,
                    },
                )
                .await?;
            officials += 1;
            Ok(o.id)
        };
    add_official(lead.id, Rank::Head, "主任".into(), &mut rng).await?;
    add_official(lead.id, Rank::Deputy, "副主任".into(), &mut rng).await?;
    add_official(hall.id, Rank::Head, "主任".into(), &mut rng).await?;
    let mut market = (0, 0, 0);
    let mut hr = 0;
    for d in DEPTS {
        let dept = store
            .create_unit(
                &actor,
                &all,
                &unit(d.name, Some(root.id), UnitKind::Department, d.cats)?,
            )
            .await?;
        let head = add_official(dept.id, Rank::Head, "局长".into(), &mut rng).await?;
        for _ in 0..2 {
            add_official(dept.id, Rank::Deputy, "副局长".into(), &mut rng).await?;
        }
        let mut first_section = 0;
        for (i, s) in d.sections.iter().enumerate() {
            let sec = store
                .create_unit(
                    &actor,
                    &all,
                    &unit(s, Some(dept.id), UnitKind::Section, &[])?,
                )
                .await?;
            if i == 0 {
                first_section = sec.id;
            }
            add_official(sec.id, Rank::SectionChief, "科长".into(), &mut rng).await?;
            for _ in 0..2 {
                add_official(sec.id, Rank::Staff, "业务骨干".into(), &mut rng).await?;
            }
        }
        for (name, ty, power) in d.items {
            let materials = 3 + rng.below(8) as i32;
            store
                .create_item(
                    &actor,
                    &all,
                    &ItemInput {
                        unit_id: dept.id,
                        section_id: (first_section != 0).then_some(first_section),
                        name: (*name).into(),
                        item_type: (*ty).into(),
                        power_category: (*power).into(),
                        service_object: if *power == "benefit" {
                            "person".into()
                        } else {
                            "both".into()
                        },
                        handling_mode: "both".into(),
                        channel: Some(
                            "网址：https://zwfw.example.gov.cn 地址：区政务服务中心一楼".into(),
                        ),
                        contact: Some(format!("029-8{:07}", rng.next_u64() % 10_000_000)),
                        note: None,
                        figures: ProcessFigures {
                            materials: Some(materials),
                            time_limit_days: Some([0, 1, 3, 5, 10, 20][rng.below(6)]),
                            steps: Some(2 + rng.below(4) as i32),
                            trips: Some(rng.below(3) as i32),
                            online: Some(rng.chance(70)),
                        },
                    },
                )
                .await?;
        }
        if d.name == "区市场监督管理局" {
            market = (dept.id, first_section, head);
        }
        if d.name == "区人力资源和社会保障局" {
            hr = dept.id;
        }
        bar.tick();
    }
    for s in STREETS {
        let street = store
            .create_unit(
                &actor,
                &all,
                &unit(
                    s,
                    Some(root.id),
                    UnitKind::Region,
                    &[C::Approval, C::Enforcement, C::Complaints],
                )?,
            )
            .await?;
        add_official(street.id, Rank::Head, "主任".into(), &mut rng).await?;
        add_official(street.id, Rank::Deputy, "副主任".into(), &mut rng).await?;
        let centre = store
            .create_unit(
                &actor,
                &all,
                &unit(
                    "便民服务中心",
                    Some(street.id),
                    UnitKind::Hall,
                    &[C::Approval],
                )?,
            )
            .await?;
        add_official(centre.id, Rank::SectionChief, "中心主任".into(), &mut rng).await?;
        bar.tick();
    }
    for (name, item) in ENTERPRISES {
        let e = store
            .create_unit(
                &actor,
                &all,
                &unit(
                    name,
                    Some(root.id),
                    UnitKind::Enterprise,
                    &[C::PublicEnterprise],
                )?,
            )
            .await?;
        add_official(e.id, Rank::Head, "总经理".into(), &mut rng).await?;
        add_official(e.id, Rank::Deputy, "副总经理".into(), &mut rng).await?;
        store
            .create_item(
                &actor,
                &all,
                &ItemInput {
                    unit_id: e.id,
                    section_id: None,
                    name: (*item).into(),
                    item_type: "high-frequency".into(),
                    power_category: "social-service".into(),
                    service_object: "both".into(),
                    handling_mode: "both".into(),
                    channel: Some("地址：区政务服务中心公共服务专区".into()),
                    contact: None,
                    note: None,
                    figures: ProcessFigures {
                        materials: Some(2 + rng.below(3) as i32),
                        time_limit_days: Some(3),
                        steps: Some(3),
                        trips: Some(1),
                        online: Some(true),
                    },
                },
            )
            .await?;
        bar.tick();
    }

    create_accounts(store, &actor, root.id, market, hr).await?;
    bar.tick();
    eprintln!();
    Ok(())
}

/// The five demo accounts (interface.md), scoped to units of the demo tree:
/// `market` is (市场监管局, its 登记注册科 or first section, its head).
async fn create_accounts(
    store: &Store,
    actor: &Actor,
    root: i64,
    market: (i64, i64, i64),
    hr: i64,
) -> Result<()> {
    let pw = demo_password();
    let hash = zlc_app::accounts::hash_password(pw)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let accounts: [(&str, &str, i64, &str, Option<i64>); 5] = [
        ("demo-supervisor", "营商办督导员", root, "supervisor", None),
        (
            "demo-liaison",
            "市场监管局联络员",
            market.0,
            "liaison",
            None,
        ),
        ("demo-liaison2", "人社局联络员", hr, "liaison", None),
        (
            "demo-official",
            "市场监管局局长",
            market.0,
            "official",
            Some(market.2),
        ),
        (
            "demo-handler",
            "登记注册科经办人",
            market.1,
            "handler",
            None,
        ),
    ];
    for (username, name, unit_id, role, official_id) in accounts {
        store
            .create_user(
                actor,
                NewUser {
                    username: username.into(),
                    display_name: name.into(),
                    password_hash: hash.clone(),
                    must_change_password: false,
                    unit_id: Some(unit_id),
                    official_id,
                    roles: vec![role.into()],
                },
            )
            .await?;
    }
    Ok(())
}

/// A progress bar on standard error.
pub struct Progress {
    label: &'static str,
    total: usize,
    done: std::cell::Cell<usize>,
}

impl Progress {
    pub fn new(label: &'static str, total: usize) -> Self {
        Progress {
            label,
            total,
            done: std::cell::Cell::new(0),
        }
    }

    pub fn tick(&self) {
        let done = self.done.get() + 1;
        self.done.set(done);
        let width = 30;
        let filled = (done * width / self.total.max(1)).min(width);
        eprint!(
            "\r{} [{}{}] {}/{}",
            self.label,
            "#".repeat(filled),
            "-".repeat(width - filled),
            done,
            self.total
        );
    }

    /// Shows `done` of the total and the rows written so far.
    pub fn set(&self, done: usize, rows: u64) {
        let width = 30;
        let filled = (done * width / self.total.max(1)).min(width);
        eprint!(
            "\r{} [{}{}] {}/{} 单位，已写入 {} 行",
            self.label,
            "#".repeat(filled),
            "-".repeat(width - filled),
            done.min(self.total),
            self.total,
            rows
        );
    }
}
