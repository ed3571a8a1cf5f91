//! placeholder
use super::*;
#[derive(Debug, Clone)]
pub struct AzureSoraClient;
impl AzureSoraClient {
    pub fn describe(&self) -> String { String::new() }
    pub async fn create_job(&self, _r: &GenerationRequest) -> Result<Job, ProviderError> { todo!() }
    pub async fn get_job(&self, _id: &str) -> Result<Job, ProviderError> { todo!() }
    pub async fn list_jobs(&self, _l: u32, _a: Option<&str>) -> Result<JobPage, ProviderError> { todo!() }
    pub async fn delete_job(&self, _id: &str) -> Result<(), ProviderError> { todo!() }
    pub fn content_request(&self, _id: &str, _v: ContentVariant) -> Result<ContentRequest, ProviderError> { todo!() }
}
