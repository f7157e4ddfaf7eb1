"""Static checks of the deployment files (deploy/Dockerfile, deploy/Dockerfile.rasa,
deploy/compose.yaml, deploy/k8s/): they parse, name only real settings and real files, wire
services to services that exist, and keep compose and Kubernetes in step. No Docker engine,
cluster or network: the images are never built here."""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_FILE = DEPLOY / "compose.yaml"
WORKLOADS = ("Deployment", "StatefulSet")
SETTING = re.compile(r"^MINWON_[A-Z0-9_]+__[A-Z0-9_]+$")
# host:port in a URL (http://rasa:5005, …@postgres:5432/…)
URL_TARGET = re.compile(r"(?:https?://|@)([a-z0-9-]+):(\d+)")


# --- helpers -----------------------------------------------------------------------------------


def is_setting(name: str) -> bool:
    """MINWON_<SECTION>__<FIELD>[__…] names a field of server.settings.Settings."""
    parts = name.removeprefix("MINWON_").lower().split("__")
    model: type[BaseModel] = Settings
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        last = i == len(parts) - 1
        if last:
            return True
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif typing.get_origin(annotation) is dict:
            return i == len(parts) - 2  # one key of a mapping, e.g. MINWON_OFFICE__NAME__KO
        else:
            return False
    return False


def rasa_endpoint_variables() -> set[str]:
    return set(
        re.findall(r"\$\{(MINWON_[A-Z0-9_]+)\}", (DEPLOY / "rasa-endpoints.yml").read_text())
    )


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_env(service: str) -> dict[str, str]:
    env = compose()["services"][service].get("environment", {})
    assert isinstance(env, dict), f"{service}: environment as a mapping"
    return {key: str(value) for key, value in env.items()}


def k8s_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def k8s_docs() -> list[dict]:
    return [doc for path in k8s_files() for doc in yaml.safe_load_all(path.read_text()) if doc]


def of_kind(*kinds: str) -> list[dict]:
    return [doc for doc in k8s_docs() if doc["kind"] in kinds]


def named(kind: str, name: str) -> dict:
    (doc,) = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    return doc


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def container(workload: dict) -> dict:
    return pod_spec(workload)["containers"][0]


def configmap_data() -> dict[str, dict[str, str]]:
    return {doc["metadata"]["name"]: doc.get("data", {}) for doc in of_kind("ConfigMap")}


def k8s_env(workload: dict) -> dict[str, str | None]:
    """A workload's first container's environment: its env list and its envFrom ConfigMaps
    (values from Secrets are None)."""
    main = container(workload)
    env: dict[str, str | None] = {}
    maps = configmap_data()
    for source in main.get("envFrom", []):
        env.update(maps[source["configMapRef"]["name"]])
    for var in main.get("env", []):
        env[var["name"]] = var.get("value")
    return env


def dockerfile(name: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (DEPLOY / name).read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, args = line.strip().partition(" ")
            out.append((instruction.upper(), " ".join(args.split())))
    return out


def run_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (ins, _) in enumerate(instructions) if ins == "FROM")
    return instructions[last_from:]


def copy_sources(instructions: list[tuple[str, str]]) -> list[str]:
    sources = []
    for ins, args in instructions:
        if ins != "COPY":
            continue
        words = [w for w in args.split() if not w.startswith("--")]
        if "--from=" in args:
            continue
        sources += words[:-1]
    return sources


def train_arguments(text: str) -> dict[str, str]:
    return dict(re.findall(r"--(config|domain|data)\s+(\S+)", text))


# --- every file parses ---------------------------------------------------------------------


def test_every_yaml_file_parses():
    paths = [COMPOSE_FILE, DEPLOY / "rasa-endpoints.yml", *K8S.glob("*.yaml")]
    for path in paths:
        docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
        assert docs, f"{path} is empty"
        assert all(isinstance(doc, dict) for doc in docs), path


def test_the_setting_walker_knows_real_settings_from_invented_ones():
    assert is_setting("MINWON_DATABASE__URL")
    assert is_setting("MINWON_NOTIFY__SMTP__HOST")
    assert is_setting("MINWON_OFFICE__NAME__KO")
    assert not is_setting("MINWON_DATABASE__PASSWORD")
    assert not is_setting("MINWON_APP__URL__X")
    assert not is_setting("MINWON_NOSUCH__URL")


# --- Dockerfiles ---------------------------------------------------------------------------


def test_app_image():
    instructions = dockerfile("Dockerfile")
    text = (DEPLOY / "Dockerfile").read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text
    final = run_stage(instructions)
    final_text = " ".join(args for _, args in final)
    # Run-time Debian packages from scripts/debian-packages.txt; the compilers stay behind.
    listed = set((ROOT / "scripts/debian-packages.txt").read_text().split())
    for package in (
        "fonts-noto-cjk",
        "fonts-thai-tlwg",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
    ):
        assert package in listed
        assert re.search(rf"\b{re.escape(package)}\b", final_text), package
    assert "build-essential" not in final_text and "cmake" not in final_text
    build_text = " ".join(args for _, args in instructions[: len(instructions) - len(final)])
    assert "build-essential" in build_text and "cmake" in build_text
    assert "--extra-index-url https://download.pytorch.org/whl/cpu -r /tmp/app.lock" in text
    assert "COPY requirements/app.lock /tmp/app.lock" in text
    assert "pip install --no-deps /src" in text
    assert ("USER", "minwon") in final
    assert ("ENV", "MINWON_APP__VAR_DIR=/var/lib/minwon") in [
        ("ENV", part) for ins, args in final if ins == "ENV" for part in args.split()
    ]
    assert ("EXPOSE", "8000") in final
    (healthcheck,) = [args for ins, args in final if ins == "HEALTHCHECK"]
    assert "http://127.0.0.1:8000/healthz" in healthcheck
    assert final[-1] == (
        "CMD",
        '["minwon", "serve", "--host", "0.0.0.0", "--port", "8000"]',
    )
    for name in ("forms/", "knowledge/", "server/", "actions/", "bot/", "data/"):
        assert f"COPY {name} ./{name}" in text, name
    # deploy/.env holds compose's secrets: only deploy/'s Python modules enter the image.
    assert "COPY deploy/*.py ./deploy/" in text


def test_pytorch_index_is_named_by_the_dockerfile_only():
    """Local installs take the CPU torch wheel from /opt/wheels; a real site's image build
    takes it from PyTorch's index."""
    paths = [ROOT / "Makefile", ROOT / "pyproject.toml", *ROOT.glob("requirements/*")]
    for path in [*paths, *ROOT.glob("scripts/*")]:
        if path.is_file():
            assert "download.pytorch.org" not in path.read_text(), path
    assert "torch==2.13.0+cpu" in (ROOT / "requirements/app.lock").read_text()


def test_rasa_image():
    instructions = dockerfile("Dockerfile.rasa")
    assert instructions[0] == ("FROM", "python:3.10-slim-bookworm")
    text = " ".join(args for _, args in instructions)
    assert "pip install -r /tmp/rasa.lock" in text
    assert ("COPY", "requirements/rasa.lock /tmp/rasa.lock") in instructions
    # Trained with scripts/train.sh's arguments.
    expected = train_arguments((ROOT / "scripts/train.sh").read_text())
    assert expected == {"config": "bot/config.yml", "domain": "bot/domain", "data": "data"}
    (train,) = [args for ins, args in instructions if ins == "RUN" and "rasa train" in args]
    assert train_arguments(train) == expected
    assert "--out /app/models" in train
    assert ("USER", "minwon") in instructions
    assert ("WORKDIR", "/app") in instructions
    assert ("ENV", "PYTHONPATH=/app") in instructions
    ins, cmd = instructions[-1]
    assert ins == "CMD" and not cmd.startswith("["), "shell form, so that the token expands"
    assert cmd.startswith("exec rasa run --model /app/models")
    assert '--auth-token "${MINWON_RASA__TOKEN' in cmd and "-p 5005" in cmd
    assert "--enable-api" in cmd
    for flag in ("--endpoints", "--credentials"):
        path = re.search(rf"{flag} (\S+)", cmd).group(1)
        assert (ROOT / path).is_file(), path
    assert (ROOT / "deploy/rasa-endpoints.yml").is_file()
    assert (ROOT / "bot/credentials.yml").is_file()


def test_custom_nlu_components_are_found_from_the_image_working_directory():
    """The pipeline names components by module path; in the image /app (the repo root's
    copy) is the working directory and PYTHONPATH."""
    config = yaml.safe_load((ROOT / "bot/config.yml").read_text())
    custom = [step["name"] for step in config["pipeline"] if "." in step["name"]]
    assert custom
    copied = copy_sources(dockerfile("Dockerfile.rasa"))
    for name in custom:
        module = Path(*name.split(".")[:-1]).with_suffix(".py")
        assert (ROOT / module).is_file(), module
        assert any(module.as_posix().startswith(src.rstrip("/") + "/") for src in copied), module


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.rasa"])
def test_dockerfile_copies_only_files_that_exist(name: str):
    sources = copy_sources(dockerfile(name))
    assert sources
    for source in sources:
        assert glob.glob(str(ROOT / source)), f"{name}: COPY {source}: nothing there"


# --- compose ---------------------------------------------------------------------------------


def test_compose_services_and_replicas():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "chroma", "llm", "rasa", "app", "nginx"}
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["rasa"]["deploy"]["replicas"] == 2
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert "--requirepass" in services["redis"]["command"]
    assert services["nginx"]["image"] == "nginx:1.27"
    assert services["nginx"]["ports"] == ["8080:80"]
    assert services["chroma"]["command"] == [
        "chroma", "run", "--path", "/data", "--host", "0.0.0.0", "--port", "8000",
    ]  # fmt: skip
    llm = " ".join(services["llm"]["command"])
    assert (
        "python -m llama_cpp.server --model /models/model.gguf --host 0.0.0.0 --port 8080"
        " --n_threads 2 --n_ctx 2048" in llm
    )


def test_compose_healthchecks_and_dependencies():
    services = compose()["services"]
    expected = {
        "app": "/healthz",
        "rasa": "http://127.0.0.1:5005/'",
        "chroma": "/api/v2/heartbeat",
        "llm": "/v1/models",
        "postgres": "pg_isready",
        "redis": "redis-cli ping",
        "nginx": "curl",
    }
    for name, service in services.items():
        test = service["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL"), name
        assert expected[name] in " ".join(test), name
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition == {"condition": "service_healthy"}, name
    assert set(services["app"]["depends_on"]) == {"postgres", "chroma", "llm"}
    assert set(services["rasa"]["depends_on"]) == {"postgres", "redis"}
    assert set(services["nginx"]["depends_on"]) == {"app"}


def test_compose_builds_from_the_repository_root():
    services = compose()["services"]
    built = {name: s["build"] for name, s in services.items() if "build" in s}
    assert set(built) == {"app", "chroma", "llm", "rasa"}
    for name, build in built.items():
        context = (DEPLOY / build["context"]).resolve()
        assert context == ROOT, name
        assert (context / build["dockerfile"]).is_file(), name
    images = {name: services[name]["image"] for name in built}
    assert images["app"] == images["chroma"] == images["llm"] == "minwon-app:latest"
    assert images["rasa"] == "minwon-rasa:latest"


def test_compose_volumes():
    doc = compose()
    services = doc["services"]
    assert set(doc["volumes"]) == {"pgdata", "chroma", "minwon-var", "models"}
    assert "minwon-var:/var/lib/minwon" in services["app"]["volumes"]
    assert compose_env("app")["MINWON_APP__VAR_DIR"] == "/var/lib/minwon"
    assert "chroma:/data" in services["chroma"]["volumes"]
    assert "models:/models" in services["llm"]["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                if source.endswith("nginx.conf"):
                    continue  # generated by deploy/topology.py; checked below when present
                assert (DEPLOY / source).exists(), f"{name}: {source}"
            else:
                assert source in doc["volumes"], f"{name}: {source}"
    assert "./compose/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]


def test_compose_nginx_conf_when_generated():
    path = DEPLOY / "compose/nginx.conf"
    if not path.exists():
        pytest.skip("deploy/compose/nginx.conf is not generated yet")
    text = path.read_text()
    # Mounted as /etc/nginx/nginx.conf: a whole configuration, proxying to the app service.
    assert re.search(r"\bevents\s*\{", text) and re.search(r"\bhttp\s*\{", text)
    assert "app:8000" in text
    assert re.search(r"listen\s+80\b", text)


def test_postgres_creates_the_rasa_database():
    sql = (DEPLOY / "compose/initdb.sql").read_text()
    assert re.search(r"^CREATE DATABASE rasa OWNER minwon;$", sql, re.MULTILINE)
    env = compose_env("postgres")
    assert env["POSTGRES_USER"] == "minwon" and env["POSTGRES_DB"] == "minwon"
    assert compose_env("rasa")["MINWON_TRACKER_DB"] == "rasa"
    assert compose_env("app")["MINWON_DATABASE__URL"].endswith("@postgres:5432/minwon")
    assert compose_env("app")["MINWON_RETENTION__TRACKER_DB_URL"].endswith("@postgres:5432/rasa")


def test_compose_secrets_come_from_env_file_documented_in_env_example():
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_FILE.read_text()))
    example = (DEPLOY / "compose/env.example").read_text()
    documented = set(re.findall(r"^([A-Z0-9_]+)=", example, re.MULTILINE))
    assert used == documented
    assert {
        "MINWON_PII__KEY",
        "MINWON_RASA__TOKEN",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "MINWON_APP__PUBLIC_URL",
    } <= documented
    assert not re.search(r"^[A-Z0-9_]+=\S", example, re.MULTILINE), "no values in the example"


def test_compose_urls_name_compose_services():
    services = compose()["services"]
    for name in services:
        for key, value in compose_env(name).items():
            for host, _port in URL_TARGET.findall(value):
                assert host in services, f"{name}: {key} → {host}"
        for key in ("MINWON_TRACKER_HOST", "MINWON_LOCK_HOST"):
            if key in compose_env(name):
                assert compose_env(name)[key] in services


# --- environment names ----------------------------------------------------------------------


def all_environments() -> dict[str, dict[str, str | None]]:
    envs: dict[str, dict[str, str | None]] = {
        f"compose {name}": dict(compose_env(name)) for name in compose()["services"]
    }
    for workload in of_kind(*WORKLOADS):
        envs[f"k8s {workload['metadata']['name']}"] = k8s_env(workload)
    for name, data in configmap_data().items():
        envs[f"k8s configmap {name}"] = dict(data)
    for secret in of_kind("Secret"):
        envs[f"k8s secret {secret['metadata']['name']}"] = dict(secret.get("stringData", {}))
    return envs


def test_every_minwon_variable_is_a_setting_or_a_rasa_endpoint_variable():
    endpoint_vars = rasa_endpoint_variables()
    assert endpoint_vars
    seen = 0
    for where, env in all_environments().items():
        for name in env:
            if not name.startswith("MINWON_"):
                continue
            seen += 1
            if SETTING.match(name):
                assert is_setting(name), f"{where}: {name} is not a field of Settings"
            else:
                assert name in endpoint_vars, (
                    f"{where}: {name} is neither a setting nor in rasa-endpoints.yml"
                )
    assert seen > 20


def test_the_settings_of_the_dockerfile_are_real():
    for ins, args in dockerfile("Dockerfile"):
        if ins == "ENV":
            for name in re.findall(r"\b(MINWON_[A-Z0-9_]+)=", args):
                assert is_setting(name), name


def test_rasa_gets_every_variable_of_its_endpoints_file():
    endpoint_vars = rasa_endpoint_variables()
    assert endpoint_vars <= set(compose_env("rasa"))
    assert endpoint_vars <= set(k8s_env(named("Deployment", "rasa")))
    assert compose_env("rasa")["RASA_TELEMETRY_ENABLED"] == "false"


def test_compose_and_kubernetes_give_the_same_variables():
    for name in ("app", "rasa"):
        in_compose = {n for n in compose_env(name) if n.startswith("MINWON_")}
        in_k8s = {n for n in k8s_env(named("Deployment", name)) if n.startswith("MINWON_")}
        assert in_compose == in_k8s, (name, in_compose ^ in_k8s)
    app = compose_env("app")
    for key, value in {
        "MINWON_RASA__URL": "http://rasa:5005",
        "MINWON_KNOWLEDGE__CHROMA_URL": "http://chroma:8000",
        "MINWON_KNOWLEDGE__LLM": "http://llm:8080/v1",
    }.items():
        assert app[key] == value
        assert k8s_env(named("Deployment", "app"))[key] == value


# --- Kubernetes --------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    manifests = {p.name for p in k8s_files() if not p.name.endswith(".example.yaml")}
    assert listed == manifests
    # The example Secret holds placeholders: it is created with kubectl, never applied.
    assert "secret.example.yaml" not in listed
    assert (K8S / "secret.example.yaml").is_file()
    images = {image["name"] for image in kustomization["images"]}
    for workload in of_kind(*WORKLOADS):
        for c in pod_spec(workload)["containers"] + pod_spec(workload).get("initContainers", []):
            if c["image"].startswith("minwon-"):
                assert c["image"] in images


def test_every_object_is_named_and_in_the_namespace():
    for doc in k8s_docs():
        assert doc["apiVersion"] and doc["metadata"]["name"], doc
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "minwon", doc["metadata"]["name"]
    assert named("Namespace", "minwon")


def test_every_workload_has_probes_resources_and_runs_as_non_root():
    workloads = of_kind(*WORKLOADS)
    assert {w["metadata"]["name"] for w in workloads} == {
        "postgres", "redis", "chroma", "llm", "rasa", "app",
    }  # fmt: skip
    for workload in workloads:
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert (
            isinstance(spec["securityContext"]["runAsUser"], int)
            and spec["securityContext"]["runAsUser"] > 0
        )
        for c in spec["containers"]:
            assert "readinessProbe" in c and "livenessProbe" in c, f"{name}/{c['name']}"
        for c in spec["containers"] + spec.get("initContainers", []):
            for bound in ("requests", "limits"):
                assert "memory" in c["resources"][bound], f"{name}/{c['name']}"
            assert c["securityContext"]["allowPrivilegeEscalation"] is False


def test_app_deployment():
    app = named("Deployment", "app")
    assert app["spec"]["replicas"] == 2
    main = container(app)
    port = main["ports"][0]["containerPort"]
    assert port == 8000
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"]["path"] == "/healthz"
        assert main[probe]["httpGet"]["port"] in (port, main["ports"][0]["name"])
    assert main["readinessProbe"]["periodSeconds"] == 5
    assert main["livenessProbe"]["failureThreshold"] > main["readinessProbe"]["failureThreshold"]
    assert not pod_spec(app).get("initContainers"), "migrations serialise themselves"
    assert main["resources"]["requests"]["memory"] == "512Mi"
    assert main["resources"]["limits"]["memory"] == "1Gi"
    (volume,) = pod_spec(app)["volumes"]
    claim = named("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    assert claim["metadata"]["name"] == "minwon-var"
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    (mount,) = main["volumeMounts"]
    assert mount["mountPath"] == k8s_env(app)["MINWON_APP__VAR_DIR"] == "/var/lib/minwon"


def test_rasa_deployment():
    rasa = named("Deployment", "rasa")
    assert rasa["spec"]["replicas"] == 2
    main = container(rasa)
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"] == {"path": "/", "port": 5005}
        assert main[probe]["initialDelaySeconds"] >= 45, "the model takes about a minute to load"
    assert main["resources"]["requests"]["memory"] == "1Gi"
    assert main["resources"]["limits"]["memory"] == "2Gi"


def test_llm_serves_the_model_from_a_volume():
    llm = named("Deployment", "llm")
    main = container(llm)
    assert main["command"] == [
        "python", "-m", "llama_cpp.server", "--model", "/models/model.gguf", "--host", "0.0.0.0",
        "--port", "8080", "--n_threads", "2", "--n_ctx", "2048",
    ]  # fmt: skip
    claims = {v["persistentVolumeClaim"]["claimName"] for v in pod_spec(llm)["volumes"]}
    for claim in claims:
        assert named("PersistentVolumeClaim", claim)
    assert main["readinessProbe"]["httpGet"]["path"] == "/v1/models"


def test_stateful_services_keep_their_data_in_claim_templates():
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("chroma", "/data")):
        workload = named("StatefulSet", name)
        (template,) = workload["spec"]["volumeClaimTemplates"]
        mounts = {m["name"]: m["mountPath"] for m in container(workload)["volumeMounts"]}
        assert mounts[template["metadata"]["name"]] == path
        service = named("Service", workload["spec"]["serviceName"])
        assert service["spec"]["clusterIP"] == "None"


def test_postgres_initdb_is_the_compose_one():
    initdb = named("ConfigMap", "postgres-initdb")["data"]["initdb.sql"]
    assert initdb == (DEPLOY / "compose/initdb.sql").read_text()
    mounts = container(named("StatefulSet", "postgres"))["volumeMounts"]
    assert {
        "name": "initdb",
        "mountPath": "/docker-entrypoint-initdb.d",
        "readOnly": True,
    } in mounts


def test_services_select_workloads_and_their_ports():
    workloads = of_kind(*WORKLOADS)
    for service in of_kind("Service"):
        selector = service["spec"]["selector"]
        matches = [
            w
            for w in workloads
            if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert matches, f"Service {service['metadata']['name']} selects no workload"
        ports = {p.get("name") for w in matches for p in container(w)["ports"]} | {
            p["containerPort"] for w in matches for p in container(w)["ports"]
        }
        for port in service["spec"]["ports"]:
            assert port.get("targetPort", port["port"]) in ports, service["metadata"]["name"]
    for workload in workloads:
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_disruption_budgets_keep_one_app_and_one_rasa():
    budgets = {b["metadata"]["name"]: b for b in of_kind("PodDisruptionBudget")}
    assert set(budgets) == {"app", "rasa"}
    for name, budget in budgets.items():
        assert budget["spec"]["minAvailable"] == 1
        labels = named("Deployment", name)["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_urls_in_the_environment_name_services_and_their_ports():
    services = {
        s["metadata"]["name"]: {p["port"] for p in s["spec"]["ports"]} for s in of_kind("Service")
    }
    for where, env in all_environments().items():
        if not where.startswith("k8s"):
            continue
        for key, value in env.items():
            for host, port in URL_TARGET.findall(value or ""):
                assert int(port) in services.get(host, set()), f"{where}: {key} → {host}:{port}"
    rasa = k8s_env(named("Deployment", "rasa"))
    assert int(rasa["MINWON_TRACKER_PORT"]) in services[rasa["MINWON_TRACKER_HOST"]]
    assert int(rasa["MINWON_LOCK_PORT"]) in services[rasa["MINWON_LOCK_HOST"]]


def test_secret_and_configmap_references_exist():
    secret = named("Secret", "minwon-secrets")
    keys = set(secret["stringData"])
    assert {"MINWON_PII__KEY", "MINWON_RASA__TOKEN", "POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= keys
    maps = configmap_data()
    for workload in of_kind(*WORKLOADS):
        for c in pod_spec(workload)["containers"]:
            for var in c.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == "minwon-secrets"
                    assert ref["key"] in keys or ref.get("optional"), ref
            for source in c.get("envFrom", []):
                assert source["configMapRef"]["name"] in maps
        for volume in pod_spec(workload).get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in maps


def test_ingress_sends_everything_to_the_app():
    (ingress,) = of_kind("Ingress")
    assert (
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "20m"
    )
    assert ingress["spec"]["ingressClassName"] == "nginx"
    app_ports = {p["port"] for p in named("Service", "app")["spec"]["ports"]}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == "app" and backend["port"]["number"] in app_ports


def test_manifests_match_the_kubernetes_api_types():
    """Every field is one the Kubernetes API knows, with a value of its type (the models of
    the kubernetes client, a dependency of chromadb): catches misspelt or misplaced keys."""
    client = pytest.importorskip("kubernetes.client")
    primitive = {"str": str, "int": int, "bool": bool, "float": (int, float)}

    def problems(value: object, type_name: str, path: str) -> list[str]:
        if type_name == "object":
            return []
        if type_name in ("datetime", "bytes"):
            type_name = "str"
        # "List[X]" / "Dict[str, X]" (older clients: "list[X]" / "dict(str, X)")
        if match := re.fullmatch(r"(?:List|list)\[(.+)\]", type_name):
            if not isinstance(value, list):
                return [f"{path}: expected a list"]
            return [
                p for i, item in enumerate(value) for p in problems(item, match[1], f"{path}[{i}]")
            ]
        if match := re.fullmatch(r"(?:Dict\[|dict\()str, (.+)[\])]", type_name):
            if not isinstance(value, dict):
                return [f"{path}: expected a mapping"]
            return [p for k, v in value.items() for p in problems(v, match[1], f"{path}.{k}")]
        if type_name in primitive:
            ok = isinstance(value, primitive[type_name]) and not (
                type_name != "bool" and isinstance(value, bool)
            )
            return [] if ok else [f"{path}: expected {type_name}, got {value!r}"]
        model = getattr(client, type_name)
        if not isinstance(value, dict):
            return [f"{path}: expected a {type_name} mapping"]
        fields = {json: attr for attr, json in model.attribute_map.items()}
        found = []
        for key, item in value.items():
            if key not in fields:
                found.append(f"{path}.{key}: not a field of {type_name}")
            else:
                found += problems(item, model.openapi_types[fields[key]], f"{path}.{key}")
        return found

    for path in K8S.glob("*.yaml"):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            version = doc["apiVersion"].rsplit("/", 1)[-1].capitalize()
            where = f"{path.name} {doc['kind']}/{doc['metadata']['name']}"
            assert problems(doc, f"{version}{doc['kind']}", where) == []


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kustomization_renders_offline():
    """`kubectl kustomize` builds the whole set without a cluster. (`kubectl create
    --dry-run=client` cannot be used here: even with --validate=false it asks a server for
    its API groups.)"""
    result = subprocess.run(
        [KUBECTL, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    expected = sum(
        1
        for name in yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
        for doc in yaml.safe_load_all((K8S / name).read_text())
        if doc
    )
    assert len(rendered) == expected
    images = {
        c["image"]
        for doc in rendered
        if doc["kind"] in WORKLOADS
        for c in doc["spec"]["template"]["spec"]["containers"]
    }
    assert not {image for image in images if image.startswith("minwon-")}, "images renamed"


def test_the_compose_nginx_conf_is_the_shared_template_rendered():
    from deploy.topology import compose_nginx_conf

    committed = (ROOT / "deploy/compose/nginx.conf").read_text()
    assert committed == compose_nginx_conf(), (
        "regenerate: .venv/bin/python -m deploy.topology nginx-conf --compose "
        "> deploy/compose/nginx.conf"
    )


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_nginx_accepts_the_loopback_topologys_config(tmp_path):
    from deploy.topology import render_nginx

    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        render_nginx(
            ["127.0.0.1:18001", "127.0.0.1:18002"],
            ["127.0.0.1:15005", "127.0.0.1:15006"],
            public_listen="127.0.0.1:18080",
            internal_listen="127.0.0.1:18081",
            rasa_listen="127.0.0.1:15100",
            runtime_dir=tmp_path,
        )
    )
    result = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
