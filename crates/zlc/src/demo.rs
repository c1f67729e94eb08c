//! 演示数据 a believable campaign registry, deterministic for a seed: a district
//! with its departments, streets, public-service enterprises, sections and a
//! service hall; officials by rank; service items with process figures; and
//! one account for each working role.

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
}

impl Scale {
    pub fn parse(s: &str) -> Result<Scale> {
        match s {
            "small" => Ok(Scale::Small),
            "city" | "province" | "national" => {
                bail!("规模「{s}」的演示数据需要活动与台账数据，尚未提供；目前可用：small")
            }
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

/// Writes the demo registry through the store, so every record is validated
/// and audited like one a user entered.
pub async fn generate(store: &Store, scale: Scale, seed: u64) -> Result<()> {
    if !store.root_units().await?.is_empty() {
        bail!("数据库中已有单位数据，演示数据只能写入空库（请指定新的 --data-dir 或数据库）");
    }
    let Scale::Small = scale;
    let actor = Actor::system("demo");
    let all = Scope::all();
    let mut rng = Rng::new(seed);
    let unit = |name: &str, parent: Option<i64>, kind: UnitKind, cats: &[C]| {
        UnitInput::new(name, parent.map(UnitId), kind, cats.to_vec(), None, 0)
    };
    let steps = DEPTS.len() + STREETS.len() + ENTERPRISES.len() + 2;
    let bar = Progress::new("演示数据", steps);

    let root = store
        .create_unit(&actor, &all, &unit("示范区", None, UnitKind::Region, &[])?)
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

    let pw = demo_password();
    let hash = zlc_server::auth::hash_password(pw)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let accounts: [(&str, &str, i64, &str, Option<i64>); 5] = [
        (
            "demo-supervisor",
            "营商办督导员",
            root.id,
            "supervisor",
            None,
        ),
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
                &actor,
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
    bar.tick();
    bar.finish(&format!(
        "已生成：{} 个单位，{officials} 名人员，5 个演示账号",
        store
            .list_units(
                &all,
                &Default::default(),
                &zlc_store::PageRequest::new(None, Some(200))?
            )
            .await?
            .items
            .len()
    ));
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

    pub fn finish(&self, summary: &str) {
        eprintln!();
        println!("{summary}");
    }
}
