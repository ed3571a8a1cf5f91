//! The model a Runway or fal.ai provider runs, chosen from the catalogue: what a request for it
//! resolves to (its parameters over the defaults, checked before anything is sent), what it
//! costs, and which other models the same key can run.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::GenerationRequest;
use super::catalogue::{Catalogue, CatalogueError, Cost, Mode, Service, VideoModel};

/// A catalogue model id, in whichever of its modes a request needs.
#[derive(Debug, Clone)]
pub struct ModelChoice {
    catalogue: Arc<Catalogue>,
    service: Service,
    model: String,
}

/// A request resolved against its model: what goes on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<'a> {
    pub model: &'a VideoModel,
    pub params: Map<String, Value>,
}

impl ModelChoice {
    /// `model` must be in the catalogue for `service` (in either mode).
    pub fn new(
        catalogue: Arc<Catalogue>,
        service: Service,
        model: &str,
    ) -> Result<Self, CatalogueError> {
        let model = model.trim().to_string();
        let choice = Self {
            catalogue,
            service,
            model,
        };
        if choice.entries().next().is_none() {
            return Err(CatalogueError::UnknownModel {
                service: service.label(),
                mode: "video",
                model: choice.model.clone(),
                valid: choice.model_ids().join(", "),
            });
        }
        Ok(choice)
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn service(&self) -> Service {
        self.service
    }

    /// The same service running another model.
    pub fn with_model(&self, model: &str) -> Result<Self, CatalogueError> {
        Self::new(Arc::clone(&self.catalogue), self.service, model)
    }

    /// Every model id of this service, each once, in catalogue order.
    pub fn model_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for m in self
            .catalogue
            .models
            .iter()
            .filter(|m| m.service == self.service)
        {
            if !ids.contains(&m.id) {
                ids.push(m.id.clone());
            }
        }
        ids
    }

    fn entries(&self) -> impl Iterator<Item = &VideoModel> {
        self.catalogue
            .models
            .iter()
            .filter(move |m| m.service == self.service && m.id == self.model)
    }

    /// The entry for a request with (or without) an image. A fal model id is one mode only; a
    /// Runway id may have both.
    pub fn entry(&self, image: bool) -> Result<&VideoModel, CatalogueError> {
        let mode = if image { Mode::Image } else { Mode::Text };
        if let Some(m) = self.entries().find(|m| m.mode == mode) {
            return Ok(m);
        }
        match self.entries().next() {
            Some(other) if other.mode == Mode::Image => Err(CatalogueError::ImageNeeded {
                model: self.model.clone(),
            }),
            Some(_) => Err(CatalogueError::UnknownModel {
                service: self.service.label(),
                mode: Mode::Image.label(),
                model: format!(
                    "{} (it is text-to-video: drop the image, or pick an image-to-video model)",
                    self.model
                ),
                valid: self
                    .catalogue
                    .models(self.service, Mode::Image)
                    .map(|m| m.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            None => Err(CatalogueError::UnknownModel {
                service: self.service.label(),
                mode: mode.label(),
                model: self.model.clone(),
                valid: self.model_ids().join(", "),
            }),
        }
    }

    /// The model's entry and parameters for `request`: its prompt checked, the user's values
    /// parsed over the defaults. Nothing is sent.
    pub fn resolve(&self, request: &GenerationRequest) -> Result<Resolved<'_>, CatalogueError> {
        let model = self.entry(request.image.is_some())?;
        model.check_prompt(&request.prompt)?;
        let params = model.resolve(&request.params)?;
        Ok(Resolved { model, params })
    }

    /// The most the request can cost; None when it cannot be resolved or has no price.
    pub fn estimate(&self, request: &GenerationRequest) -> Option<Cost> {
        let resolved = self.resolve(request).ok()?;
        resolved.model.estimate(&resolved.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Size;

    fn request(prompt: &str, params: &[(&str, &str)]) -> GenerationRequest {
        GenerationRequest {
            prompt: prompt.into(),
            size: Size::new(0, 0),
            seconds: 0,
            variants: 1,
            image: None,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn runway(model: &str) -> ModelChoice {
        let catalogue = Arc::new(Catalogue::builtin().expect("catalogue"));
        ModelChoice::new(catalogue, Service::Runway, model).expect("model")
    }

    #[test]
    fn a_model_needs_no_flag_and_refuses_a_bad_value_with_the_valid_ones() {
        let gen45 = runway("gen4.5");
        let resolved = gen45.resolve(&request("a red fox", &[])).expect("defaults");
        assert_eq!(resolved.params["ratio"], Value::from("1280:720"));
        assert_eq!(resolved.params["duration"], Value::from(5));
        let cost = gen45.estimate(&request("a red fox", &[])).expect("priced");
        assert_eq!(cost.to_string(), "60 credits ($0.60)");
        let err = gen45
            .resolve(&request("a red fox", &[("ratio", "4:3")]))
            .expect_err("refused")
            .to_string();
        assert!(
            err.contains("1280:720") && err.contains("720:1280"),
            "{err}"
        );
    }

    #[test]
    fn unknown_models_and_modes_are_refused_by_name() {
        let catalogue = Arc::new(Catalogue::builtin().expect("catalogue"));
        let err = ModelChoice::new(Arc::clone(&catalogue), Service::Runway, "gen9")
            .expect_err("unknown")
            .to_string();
        assert!(err.contains("gen4.5"), "{err}");
        let turbo = runway("gen4_turbo");
        let err = turbo
            .resolve(&request("a fox", &[]))
            .expect_err("image needed");
        assert!(matches!(err, CatalogueError::ImageNeeded { .. }), "{err}");
        assert!(runway("gen4.5").model_ids().contains(&"veo3.1".to_string()));
    }
}
