use super::*;

fn builtin() -> Catalogue {
    Catalogue::builtin().expect("the built-in table parses and its defaults are valid")
}

#[test]
fn defaults_need_no_flag_and_give_a_price() {
    let c = builtin();
    let gen45 = c
        .find(Service::Runway, Mode::Text, "gen4.5")
        .expect("gen4.5");
    let params = gen45.resolve(&[]).expect("defaults alone are valid");
    assert_eq!(params.get("ratio"), Some(&Value::from("1280:720")));
    assert_eq!(params.get("duration"), Some(&Value::from(5)));
    assert!(
        !params.contains_key("seed"),
        "no seed unless asked: {params:?}"
    );
    let cost = gen45.estimate(&params).expect("priced");
    assert_eq!(cost.to_string(), "60 credits ($0.60)");

    let veo = c
        .find(Service::Fal, Mode::Text, "fal-ai/veo3.1")
        .expect("veo");
    let params = veo.resolve(&[]).expect("defaults");
    assert_eq!(params.get("duration"), Some(&Value::from("8s")));
    assert_eq!(params.get("generate_audio"), Some(&Value::Bool(true)));
    assert_eq!(
        veo.estimate(&params).map(|c| c.to_string()).as_deref(),
        Some("$3.20")
    );
    let quiet = veo
        .resolve(&[
            ("generate_audio".into(), "false".into()),
            ("duration".into(), "4s".into()),
        ])
        .expect("valid");
    assert_eq!(
        veo.estimate(&quiet).map(|c| c.to_string()).as_deref(),
        Some("$0.80")
    );

    // Every model of both services resolves with no flag at all.
    for m in &c.models {
        m.resolve(&[]).unwrap_or_else(|e| panic!("{}: {e}", m.id));
    }
}

#[test]
fn every_invalid_value_is_refused_naming_the_valid_ones() {
    let c = builtin();
    for m in &c.models {
        for p in &m.params {
            let bad = match p.kind {
                ParamKind::Text => continue,
                ParamKind::Int { .. } | ParamKind::Number { .. } => "-99999999999",
                _ => "bogus",
            };
            let err = m
                .resolve(&[(p.name.clone(), bad.into())])
                .expect_err("refused");
            let text = err.to_string();
            assert!(text.contains(&p.name) && text.contains(&m.id), "{text}");
            if let ParamKind::Choice { values } = &p.kind {
                for v in values {
                    assert!(text.contains(&value_text(v)), "{text} misses {v}");
                }
            }
        }
    }
    let gen45 = c
        .find(Service::Runway, Mode::Text, "gen4.5")
        .expect("gen4.5");
    let err = gen45
        .resolve(&[("duration".into(), "11".into())])
        .expect_err("11 s refused");
    assert_eq!(
        err.to_string(),
        "\"11\" is not a valid duration for gen4.5; valid values: whole numbers from 2 to 10"
    );
    let err = gen45
        .resolve(&[("aspect_ratio".into(), "16:9".into())])
        .expect_err("not a Runway name");
    assert_eq!(
        err.to_string(),
        "gen4.5 takes no parameter aspect_ratio; it takes: ratio, duration, seed"
    );
    let err = c
        .find(Service::Runway, Mode::Text, "gen4_turbo")
        .expect_err("image only");
    assert!(
        err.to_string().contains("gen4.5, veo3.1, veo3.1_fast"),
        "{err}"
    );
}

#[test]
fn runway_counts_the_prompt_in_utf16_code_units() {
    let c = builtin();
    let gen45 = c
        .find(Service::Runway, Mode::Text, "gen4.5")
        .expect("gen4.5");
    // 🦊 is one character but two UTF-16 code units.
    assert!(gen45.check_prompt(&"🦊".repeat(500)).is_ok());
    let err = gen45
        .check_prompt(&"🦊".repeat(501))
        .expect_err("1002 units");
    assert_eq!(
        err.to_string(),
        "the prompt is 1002 UTF-16 code units long; gen4.5 accepts at most 1000: shorten it"
    );
    assert_eq!(gen45.check_prompt("  "), Err(CatalogueError::EmptyPrompt));
    let turbo = c
        .find(Service::Runway, Mode::Image, "gen4_turbo")
        .expect("turbo");
    assert!(turbo.check_prompt("").is_ok(), "the image alone is enough");
}

#[test]
fn a_user_adds_a_fal_model_in_the_config() {
    #[derive(Deserialize)]
    struct Fal {
        models: Vec<VideoModel>,
    }
    #[derive(Deserialize)]
    struct Config {
        fal: Fal,
    }
    let config: Config = toml::from_str(
        r#"
        [[fal.models]]
        id = "fal-ai/ltx-video"
        price = { unit = "usd", rates = [{ per_second = 0.02 }] }
        params = [{ name = "duration", type = "choice", values = ["5", "10"], default = "5" }]
        "#,
    )
    .expect("config parses");
    let c = builtin().with_fal_models(config.fal.models).expect("added");
    let m = c
        .find(Service::Fal, Mode::Text, "fal-ai/ltx-video")
        .expect("found");
    let params = m.resolve(&[]).expect("defaults");
    assert_eq!(
        m.estimate(&params).map(|c| c.to_string()).as_deref(),
        Some("$0.10")
    );

    let bad: Config = toml::from_str(
        r#"
        [[fal.models]]
        id = "fal-ai/x"
        params = [{ name = "duration", type = "choice", values = ["5"], default = "7" }]
        "#,
    )
    .expect("parses");
    let err = builtin()
        .with_fal_models(bad.fal.models)
        .expect_err("bad default");
    assert!(
        err.to_string().contains("the default 7 of duration"),
        "{err}"
    );
}
