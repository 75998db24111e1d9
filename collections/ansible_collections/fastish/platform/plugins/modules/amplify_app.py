#!/usr/bin/python
"""An AWS Amplify Hosting app (e.g. a Next.js SSR front end) with its branches and custom domain."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: amplify_app
short_description: AWS Amplify Hosting app with branches and a custom domain
version_added: "0.1.0"
description:
  - Creates, updates or deletes an AWS Amplify Hosting app connected to a Git repository, its branches and
    optionally a custom domain association. Neither amazon.aws nor community.aws has an Amplify module.
  - The app is found by O(name); when several apps have that name, the one whose tags include O(tags) wins
    (more than one candidate is an error).
  - The repository access token is only sent when the app is created or its repository changes; Amplify never
    returns it, so a changed token alone is not detected. It is never part of the result.
  - No local AWS emulator implements Amplify; the module's logic is unit-tested with botocore's Stubber.
options:
  name:
    description: Name of the app.
    type: str
    required: true
  repository:
    description: HTTPS URL of the Git repository. Required to create the app.
    type: str
  access_token:
    description: Personal access token of the repository host (GitHub); required to create the app.
    type: str
  platform:
    description: C(WEB_COMPUTE) for server-side rendering (Next.js SSR), C(WEB) for static sites.
    type: str
    choices: [WEB, WEB_COMPUTE, WEB_DYNAMIC]
    default: WEB_COMPUTE
  build_spec:
    description: Build specification (YAML text); left out, the repository's C(amplify.yml) is used.
    type: str
  environment_variables:
    description: Environment variables of the app (all branches).
    type: dict
    default: {}
  iam_service_role_arn:
    description: Service role Amplify uses (e.g. for SSR logging).
    type: str
  branches:
    description: Branches Amplify builds; left out, branches are not touched.
    type: list
    elements: dict
    suboptions:
      name: {description: Git branch name., type: str, required: true}
      stage:
        description: Stage of the branch.
        type: str
        choices: [PRODUCTION, BETA, DEVELOPMENT, EXPERIMENTAL, PULL_REQUEST]
        default: PRODUCTION
      framework: {description: Framework of the branch., type: str, default: Next.js - SSR}
      enable_auto_build: {description: Build on every push., type: bool, default: true}
      environment_variables: {description: Branch environment variables., type: dict, default: {}}
  purge_branches:
    description: Delete branches O(branches) does not list.
    type: bool
    default: true
  domain:
    description: Custom domain association; left out, domain associations are not touched.
    type: dict
    suboptions:
      domain_name: {description: Domain (e.g. C(portal.acme.example))., type: str, required: true}
      sub_domains:
        description: Sub-domain prefixes and the branch each serves.
        type: list
        elements: dict
        required: true
        suboptions:
          prefix:
            description: Prefix (C("") for the domain itself, C(app) for C(app.<domain>)).
            type: str
            required: true
          branch_name: {description: Branch it serves., type: str, required: true}
  state:
    description: Whether the app exists.
    type: str
    choices: [present, absent]
    default: present
author:
  - fastish maintainers
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Next.js front end
  fastish.platform.amplify_app:
    name: acme-web-portal-web
    repository: https://github.com/acme/portal-web
    access_token: "{{ lookup('ansible.builtin.env', 'FRONTEND_TOKEN') }}"
    environment_variables:
      NEXT_PUBLIC_API_URL: https://api.portal.acme.example
    branches:
      - name: main
    domain:
      domain_name: portal.acme.example
      sub_domains:
        - {prefix: app, branch_name: main}
    tags:
      fastish:release: portal
  no_log: true
"""

RETURN = r"""
app:
  description:
    - The app after the run, never with the access token; empty when absent.
    - In check mode, before creation, C(app_id) is null.
  returned: always
  type: dict
  contains:
    app_id: {description: Id of the app., type: str, sample: d1a2b3c4e5f6g7}
    arn: {description: ARN of the app., type: str}
    name: {description: Name., type: str}
    default_domain: {description: The app's C(amplifyapp.com) domain., type: str}
    repository: {description: Repository URL., type: str}
    platform: {description: Platform., type: str}
    environment_variables: {description: App environment variables., type: dict}
    branches:
      description: Branches (name, stage, framework, enable_auto_build, environment_variables).
      type: list
      elements: dict
    domain: {description: Custom domain association (domain_name, sub_domains, status) or null., type: dict}
    tags: {description: Tags., type: dict}
changes:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
"""

import contextlib

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

BRANCH_DEFAULTS = {
    "stage": "PRODUCTION",
    "framework": "Next.js - SSR",
    "enable_auto_build": True,
    "environment_variables": {},
}


class AmplifyError(Exception):
    """A failed call: ``message`` names the resource, ``cause`` is the botocore exception (or None)."""

    def __init__(self, message, cause=None):
        super().__init__(message)
        self.message = message
        self.cause = cause


def _errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def _not_found(e):
    return getattr(e, "response", {}).get("Error", {}).get("Code") == "NotFoundException"


def _branch(boto):
    return {
        "name": boto["branchName"],
        "stage": boto.get("stage"),
        "framework": boto.get("framework", ""),
        "enable_auto_build": bool(boto.get("enableAutoBuild", False)),
        "environment_variables": boto.get("environmentVariables") or {},
    }


def _wanted_branch(branch):
    return {**BRANCH_DEFAULTS, **{k: v for k, v in branch.items() if v is not None}}


class AmplifyApp:
    """Converges one Amplify app through ``client`` (a boto3 amplify client, or a stubbed one in tests)."""

    def __init__(self, client, params, check_mode=False):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.name = params["name"]
        self.changes = []

    def call(self, what, method, **kwargs):
        """Record the change; make the call unless in check mode."""
        self.changes.append(what)
        if self.check_mode:
            return {}
        try:
            return getattr(self.client, method)(**kwargs)
        except _errors() as e:
            raise AmplifyError(f"Could not {what} of Amplify app {self.name}", e) from e

    def find(self):
        """The app (boto shape) named ``name``, or None."""
        candidates = []
        token = None
        try:
            while True:
                page = self.client.list_apps(**({"nextToken": token} if token else {}))
                candidates.extend(a for a in page.get("apps", []) if a["name"] == self.name)
                token = page.get("nextToken")
                if not token:
                    break
        except _errors() as e:
            raise AmplifyError(f"Could not list Amplify apps (looking for {self.name})", e) from e
        wanted = self.params.get("tags") or {}
        if len(candidates) > 1 and wanted:
            candidates = [
                a for a in candidates if all((a.get("tags") or {}).get(k) == v for k, v in wanted.items())
            ]
        if len(candidates) > 1:
            ids = ", ".join(sorted(a["appId"] for a in candidates))
            raise AmplifyError(f"Several Amplify apps are named {self.name} ({ids}); tag the one to manage")
        return candidates[0] if candidates else None

    def read(self, app):
        if app is None:
            return None
        app_id = app["appId"]
        try:
            branches = []
            token = None
            while True:
                page = self.client.list_branches(appId=app_id, **({"nextToken": token} if token else {}))
                branches.extend(_branch(b) for b in page.get("branches", []))
                token = page.get("nextToken")
                if not token:
                    break
            domains = self.client.list_domain_associations(appId=app_id).get("domainAssociations", [])
        except _errors() as e:
            raise AmplifyError(
                f"Could not read the branches and domains of Amplify app {self.name}", e
            ) from e
        domain = None
        if domains:
            association = domains[0]
            domain = {
                "domain_name": association["domainName"],
                "sub_domains": sorted(
                    (
                        {
                            "prefix": s["subDomainSetting"]["prefix"],
                            "branch_name": s["subDomainSetting"]["branchName"],
                        }
                        for s in association.get("subDomains", [])
                    ),
                    key=lambda s: s["prefix"],
                ),
                "status": association.get("domainStatus"),
            }
        return {
            "app_id": app_id,
            "arn": app.get("appArn"),
            "name": app["name"],
            "default_domain": app.get("defaultDomain"),
            "repository": app.get("repository"),
            "platform": app.get("platform"),
            "build_spec": app.get("buildSpec"),
            "iam_service_role_arn": app.get("iamServiceRoleArn"),
            "environment_variables": app.get("environmentVariables") or {},
            "branches": sorted(branches, key=lambda b: b["name"]),
            "domain": domain,
            "tags": app.get("tags") or {},
        }

    def run(self):
        """Converge; returns the module result (without ``changed``'s caller having to know anything)."""
        before = self.read(self.find())
        if self.params["state"] == "absent":
            if before:
                self.call("delete", "delete_app", appId=before["app_id"])
            after = {}
        else:
            after = self.present(before)
        return {
            "changed": bool(self.changes),
            "app": after,
            "changes": self.changes,
            "diff": {"before": before or {}, "after": after},
        }

    def app_settings(self):
        params = self.params
        settings = {
            "platform": params["platform"],
            "environmentVariables": params["environment_variables"] or {},
        }
        if params.get("build_spec") is not None:
            settings["buildSpec"] = params["build_spec"]
        if params.get("iam_service_role_arn") is not None:
            settings["iamServiceRoleArn"] = params["iam_service_role_arn"]
        return settings

    def present(self, before):
        params = self.params
        settings = self.app_settings()
        if before is None:
            if not params.get("repository") or not params.get("access_token"):
                raise AmplifyError(
                    f"repository and access_token are required to create Amplify app {self.name}"
                )
            created = self.call(
                "create",
                "create_app",
                name=self.name,
                repository=params["repository"],
                accessToken=params["access_token"],
                tags=params.get("tags") or {},
                **settings,
            ).get("app", {})
            after = {
                "app_id": created.get("appId"),
                "arn": created.get("appArn"),
                "name": self.name,
                "default_domain": created.get("defaultDomain"),
                "repository": params["repository"],
                "platform": params["platform"],
                "build_spec": params.get("build_spec"),
                "iam_service_role_arn": params.get("iam_service_role_arn"),
                "environment_variables": params["environment_variables"] or {},
                "branches": [],
                "domain": None,
                "tags": params.get("tags") or {},
            }
        else:
            after = dict(before)
            update = {}
            have = {
                "platform": before["platform"],
                "environmentVariables": before["environment_variables"],
                "buildSpec": before["build_spec"],
                "iamServiceRoleArn": before["iam_service_role_arn"],
            }
            update = {k: v for k, v in settings.items() if have.get(k) != v}
            if params.get("repository") and params["repository"] != before["repository"]:
                if not params.get("access_token"):
                    raise AmplifyError(
                        f"access_token is required to change the repository of Amplify app {self.name}"
                    )
                update["repository"] = params["repository"]
                update["accessToken"] = params["access_token"]
            if update:
                self.call(
                    "update " + ", ".join(sorted(k for k in update if k != "accessToken")),
                    "update_app",
                    appId=before["app_id"],
                    **update,
                )
                after.update(
                    platform=params["platform"],
                    environment_variables=params["environment_variables"] or {},
                    build_spec=settings.get("buildSpec", before["build_spec"]),
                    iam_service_role_arn=settings.get("iamServiceRoleArn", before["iam_service_role_arn"]),
                    repository=params.get("repository") or before["repository"],
                )
            if params.get("tags") is not None:
                to_set, to_remove = compare_aws_tags(
                    before["tags"], params["tags"], params.get("purge_tags", True)
                )
                if to_remove:
                    self.call("untag", "untag_resource", resourceArn=before["arn"], tagKeys=to_remove)
                if to_set:
                    self.call("tag", "tag_resource", resourceArn=before["arn"], tags=to_set)
                after["tags"] = {**{k: v for k, v in before["tags"].items() if k not in to_remove}, **to_set}
        if params.get("branches") is not None:
            after["branches"] = self.converge_branches(after["app_id"], after["branches"])
        if params.get("domain") is not None:
            after["domain"] = self.converge_domain(after["app_id"], after["domain"])
        return after

    def converge_branches(self, app_id, have):
        have = {b["name"]: b for b in have}
        want = {b["name"]: _wanted_branch(b) for b in self.params["branches"]}
        result = dict(have)
        if self.params.get("purge_branches", True):
            for name in sorted(set(have) - set(want)):
                self.call(f"branch {name} deleted", "delete_branch", appId=app_id, branchName=name)
                del result[name]
        for name, branch in sorted(want.items()):
            settings = {
                "stage": branch["stage"],
                "framework": branch["framework"],
                "enableAutoBuild": branch["enable_auto_build"],
                "environmentVariables": branch["environment_variables"],
            }
            if name not in have:
                self.call(f"branch {name} added", "create_branch", appId=app_id, branchName=name, **settings)
            elif have[name] != branch:
                self.call(
                    f"branch {name} updated", "update_branch", appId=app_id, branchName=name, **settings
                )
            result[name] = branch
        return sorted(result.values(), key=lambda b: b["name"])

    def converge_domain(self, app_id, have):
        wanted = self.params["domain"]
        sub_domains = sorted(
            ({"prefix": s["prefix"], "branch_name": s["branch_name"]} for s in wanted["sub_domains"]),
            key=lambda s: s["prefix"],
        )
        settings = [{"prefix": s["prefix"], "branchName": s["branch_name"]} for s in sub_domains]
        if have and have["domain_name"] == wanted["domain_name"]:
            if have["sub_domains"] == sub_domains:
                return have
            self.call(
                f"domain {wanted['domain_name']} updated",
                "update_domain_association",
                appId=app_id,
                domainName=wanted["domain_name"],
                subDomainSettings=settings,
            )
            return {**have, "sub_domains": sub_domains}
        if have:
            self.call(
                f"domain {have['domain_name']} deleted",
                "delete_domain_association",
                appId=app_id,
                domainName=have["domain_name"],
            )
        created = self.call(
            f"domain {wanted['domain_name']} added",
            "create_domain_association",
            appId=app_id,
            domainName=wanted["domain_name"],
            subDomainSettings=settings,
        )
        status = (created.get("domainAssociation") or {}).get("domainStatus", "CREATING")
        return {"domain_name": wanted["domain_name"], "sub_domains": sub_domains, "status": status}


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "repository": {"type": "str"},
            "access_token": {"type": "str", "no_log": True},
            "platform": {
                "type": "str",
                "choices": ["WEB", "WEB_COMPUTE", "WEB_DYNAMIC"],
                "default": "WEB_COMPUTE",
            },
            "build_spec": {"type": "str"},
            "environment_variables": {"type": "dict", "default": {}},
            "iam_service_role_arn": {"type": "str"},
            "branches": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "name": {"type": "str", "required": True},
                    "stage": {
                        "type": "str",
                        "choices": ["PRODUCTION", "BETA", "DEVELOPMENT", "EXPERIMENTAL", "PULL_REQUEST"],
                        "default": "PRODUCTION",
                    },
                    "framework": {"type": "str", "default": "Next.js - SSR"},
                    "enable_auto_build": {"type": "bool", "default": True},
                    "environment_variables": {"type": "dict", "default": {}},
                },
            },
            "purge_branches": {"type": "bool", "default": True},
            "domain": {
                "type": "dict",
                "options": {
                    "domain_name": {"type": "str", "required": True},
                    "sub_domains": {
                        "type": "list",
                        "elements": "dict",
                        "required": True,
                        "options": {
                            "prefix": {"type": "str", "required": True},
                            "branch_name": {"type": "str", "required": True},
                        },
                    },
                },
            },
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    client = module.client("amplify", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = AmplifyApp(client, module.params, module.check_mode).run()
    except AmplifyError as e:
        if e.cause is not None:
            module.fail_json_aws(e.cause, msg=e.message)
        module.fail_json(msg=e.message)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
