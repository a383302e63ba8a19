// Package deployments holds wirewatch's deployment files (docker-compose, Dockerfile,
// Kubernetes manifests, the Elasticsearch index template, Kafka topic definitions) and,
// in its tests, the checks that keep them in step with the code. It has no Go code.
package deployments
