//! The simulator's Storage at benchmark scale: folders listed page by page in the server's
//! order, every object exactly once; deep pages cost no more than the first; uploads streamed
//! to disk instead of held in memory.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

async fn start(config: SimConfig) -> (SimHandle, Client) {
    let handle = sora_sim::start(config, "127.0.0.1:0".parse().expect("literal address"))
        .await
        .expect("sim starts");
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    (handle, Client::new())
}

fn authed(client: &Client, method: Method, url: &str) -> RequestBuilder {
    let key = SimConfig::default().supabase_key;
    client
        .request(method, url)
        .header("apikey", &key)
        .bearer_auth(key)
}

fn storage_url(handle: &SimHandle, path: &str) -> String {
    format!("{}/storage/v1{path}", handle.base_url())
}

async fn list(client: &Client, handle: &SimHandle, body: Value) -> Vec<String> {
    let response = authed(
        client,
        Method::POST,
        &storage_url(handle, "/object/list/output-videos"),
    )
    .json(&body)
    .send()
    .await
    .expect("list reaches the sim");
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.expect("JSON list");
    page.as_array()
        .expect("a list answers an array")
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_string))
        .collect()
}

/// Every page of `prefix` at `limit`, concatenated (bounded: never more pages than entries).
async fn all_pages(
    client: &Client,
    handle: &SimHandle,
    prefix: &str,
    limit: usize,
    extra: Value,
) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..1000 {
        let mut body = json!({"prefix": prefix, "limit": limit, "offset": names.len()});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let page = list(client, handle, body).await;
        let last = page.len() < limit;
        names.extend(page);
        if last {
            return names;
        }
    }
    panic!("paging never ended");
}

#[tokio::test]
async fn paging_a_folder_returns_every_entry_once_in_the_servers_order() {
    let (handle, client) = start(SimConfig::default()).await;
    // Inside `videos/`: names differing only in case, folders among files, a name that is both
    // a file and a folder; outside it, keys sharing the prefix's text.
    let keys = [
        "videos/b.mp4",
        "videos/B.mp4",
        "videos/a.mp4",
        "videos/A.mp4",
        "videos/sub/x.mp4",
        "videos/sub/deeper/y.mp4",
        "videos/Sub2/z.mp4",
        "videos/c",
        "videos/c/inner.mp4",
        "videos/c-d.mp4",
        "videos/c.mp4",
        "videos/_first.mp4",
        "videos/Zed.mp4",
        "videos/zed.mp4",
        "videos/10.mp4",
        "videos/9.mp4",
        "videos-old.mp4",
        "videos-old/q.mp4",
        "other/videos/r.mp4",
    ];
    for key in keys {
        let response = authed(
            &client,
            Method::POST,
            &storage_url(&handle, &format!("/object/output-videos/{key}")),
        )
        .header("content-type", "video/mp4")
        .body("x")
        .send()
        .await
        .expect("upload reaches the sim");
        assert_eq!(response.status(), StatusCode::OK, "{key}");
    }
    // The server's order by name: case-insensitive, then bytewise; folders interleaved; a
    // file before the folder of the same name.
    let expected = [
        "10.mp4",
        "9.mp4",
        "_first.mp4",
        "A.mp4",
        "a.mp4",
        "B.mp4",
        "b.mp4",
        "c",
        "c",
        "c-d.mp4",
        "c.mp4",
        "sub",
        "Sub2",
        "Zed.mp4",
        "zed.mp4",
    ];
    for limit in [1, 2, 3, 100] {
        assert_eq!(
            all_pages(&client, &handle, "videos", limit, json!({})).await,
            expected,
            "pages of {limit}"
        );
        let descending = all_pages(
            &client,
            &handle,
            "videos/",
            limit,
            json!({"sortBy": {"column": "name", "order": "desc"}}),
        )
        .await;
        let mut reversed = expected.to_vec();
        reversed.reverse();
        assert_eq!(descending, reversed, "descending pages of {limit}");
        assert_eq!(
            all_pages(&client, &handle, "videos", limit, json!({"search": "S"})).await,
            ["sub", "Sub2"],
            "searched pages of {limit}"
        );
    }
    let root = all_pages(&client, &handle, "", 2, json!({})).await;
    assert_eq!(root, ["other", "videos", "videos-old", "videos-old.mp4"]);
    // Folders stop being listed with their last object.
    for key in ["videos/sub/x.mp4", "videos/sub/deeper/y.mp4"] {
        let response = authed(
            &client,
            Method::DELETE,
            &storage_url(&handle, &format!("/object/output-videos/{key}")),
        )
        .send()
        .await
        .expect("delete reaches the sim");
        assert_eq!(response.status(), StatusCode::OK, "{key}");
    }
    let names = all_pages(&client, &handle, "videos", 4, json!({})).await;
    assert!(!names.iter().any(|n| n == "sub"), "{names:?}");
    assert_eq!(names.len(), expected.len() - 1);
}

/// A page of a 100,000-object folder costs about what a page of a 100-object folder costs,
/// at any offset: the folder is kept sorted, never sorted per request (which took ~45 ms a page
/// in release, 46 s to page such a folder to its end).
#[tokio::test]
async fn a_page_of_a_huge_folder_costs_what_a_page_of_a_small_one_does() {
    let (handle, client) = start(SimConfig::default()).await;
    handle.seed_objects("output-videos", "small", 100);
    handle.seed_objects("output-videos", "huge", 100_000);
    let timed = |prefix: &'static str, offset: usize| {
        let (client, handle) = (&client, &handle);
        async move {
            let started = Instant::now();
            let names = list(
                client,
                handle,
                json!({"prefix": prefix, "limit": 100, "offset": offset}),
            )
            .await;
            assert_eq!(names.len(), 100, "{prefix} at {offset}");
            assert_eq!(names[0], format!("obj-{offset:06}.bin"));
            started.elapsed()
        }
    };
    let (mut small, mut huge) = (Duration::ZERO, Duration::ZERO);
    for round in 0..20usize {
        small += timed("small", 0).await;
        huge += timed("huge", 99_900 - round * 5000).await;
    }
    assert!(
        huge < small * 3 + Duration::from_millis(300),
        "20 pages of a 100,000-object folder took {huge:?}, of a 100-object one {small:?}"
    );
}
