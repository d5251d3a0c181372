#!/usr/bin/env bash
# Deploys this commit's image to one environment:
#   scripts/deploy.sh staging|production [SERVICE_DIR [IMAGE_NAME]]
# SERVICE_DIR holds the service's deploy/k8s (default: the repository root); IMAGE_NAME is the
# image's name under ghcr.io/OWNER/REPO/ (default: the repository's own image). A monorepo
# deploys each service with its folder and name.
# Run by CI (.github/workflows/ci.yml) after the tests pass, with KUBE_CONFIG from the GitHub
# environment's secrets. Without the secret, or without manifests, it says so and succeeds, so
# a new repository's first push is green before the cluster exists.
set -euo pipefail
DEPLOY_ENV="${1:?usage: scripts/deploy.sh ENVIRONMENT [SERVICE_DIR [IMAGE_NAME]]}"
SERVICE_DIR="${2:-.}"
IMAGE_NAME="${3:-}"
: "${GITHUB_REPOSITORY:?run from GitHub Actions}" "${GITHUB_SHA:?run from GitHub Actions}"
image="ghcr.io/${GITHUB_REPOSITORY,,}${IMAGE_NAME:+/${IMAGE_NAME}}"
overlay="${SERVICE_DIR}/deploy/k8s/overlays/${DEPLOY_ENV}"
if [ -z "${KUBE_CONFIG:-}" ]; then
  echo "::notice title=${DEPLOY_ENV} not deployed::No KUBE_CONFIG secret in the '${DEPLOY_ENV}' environment. The image is pushed; add the secret to deploy (README.md, Deploying)."
  exit 0
fi
if [ ! -d "${overlay}" ]; then
  echo "::notice title=${DEPLOY_ENV} not deployed::No ${overlay} in the repository; nothing to apply."
  exit 0
fi
umask 077
export KUBECONFIG="${RUNNER_TEMP}/kubeconfig"
printf '%s\n' "${KUBE_CONFIG}" > "${KUBECONFIG}"
# A throwaway kustomization on top of the overlay pins this commit's image.
release="${SERVICE_DIR}/deploy/k8s/.release-${DEPLOY_ENV}"
mkdir -p "${release}"
cat > "${release}/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../overlays/${DEPLOY_ENV}
images:
  - name: app
    newName: ${image}
    newTag: "${GITHUB_SHA}"
EOF
kubectl apply --kustomize "${release}" --output name | tee "${RUNNER_TEMP}/applied.txt"
grep '^deployment' "${RUNNER_TEMP}/applied.txt" | while read -r deployment; do
  kubectl rollout status "${deployment}" --timeout=10m
done
echo "Deployed \`${GITHUB_SHA}\` to ${DEPLOY_ENV}" >> "$GITHUB_STEP_SUMMARY"
