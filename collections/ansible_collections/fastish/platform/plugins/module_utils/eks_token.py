#!/usr/bin/env python
# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The EKS authentication token of fastish.platform, and the kubeconfig ``exec`` credential plugin that
prints it (what ``aws eks get-token`` and aws-iam-authenticator do, with botocore only).

An EKS token is ``k8s-aws-v1.`` + base64url (unpadded) of a presigned STS ``GetCallerIdentity`` URL,
signed (SigV4, query string) with the extra header ``x-k8s-aws-id: <cluster name>`` and valid for 60 s
(``X-Amz-Expires=60``). The API server's authenticator calls that URL and maps the caller to an access
entry. EKS accepts a token for 15 minutes after it was signed, so the ExecCredential says it expires
after 14 (kubectl / the Kubernetes client then asks again).

Run as a script (the kubeconfig written by M(fastish.platform.eks_kubeconfig) does)::

    <python> <collection>/plugins/module_utils/eks_token.py --cluster-name NAME --region REGION
        [--role-arn ARN]

It prints an ExecCredential (``client.authentication.k8s.io/v1beta1``) on stdout. Credentials come from
botocore's usual chain (environment, AWS_PROFILE, instance/container roles, ...); with ``--role-arn``
the token is signed with credentials of that role (sts:AssumeRole first). The STS endpoint is the
regional one (``https://sts.<region>.amazonaws.com``) unless ``AWS_ENDPOINT_URL_STS`` or
``AWS_ENDPOINT_URL`` say otherwise (botocore reads them). Nothing is fetched besides sts:AssumeRole.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import sys

TOKEN_PREFIX = "k8s-aws-v1."
CLUSTER_HEADER = "x-k8s-aws-id"
URL_EXPIRES_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 14 * 60
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
ROLE_SESSION_NAME = "fastish-eks-token"


def _session(session=None):
    if session is not None:
        return session
    import botocore.session

    session = botocore.session.get_session()
    # the regional STS endpoint (botocore's default nowadays; older configurations may say "legacy")
    session.set_config_variable("sts_regional_endpoints", "regional")
    return session


def presigned_url(cluster_name, region, role_arn=None, session=None):
    """A presigned STS GetCallerIdentity URL that carries ``cluster_name`` in a signed header."""
    session = _session(session)
    credentials = {}
    if role_arn:
        assumed = session.create_client("sts", region_name=region).assume_role(
            RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME
        )["Credentials"]
        credentials = {
            "aws_access_key_id": assumed["AccessKeyId"],
            "aws_secret_access_key": assumed["SecretAccessKey"],
            "aws_session_token": assumed["SessionToken"],
        }
    sts = session.create_client("sts", region_name=region, **credentials)

    def add_cluster_header(request, **_kwargs):
        request.headers[CLUSTER_HEADER] = cluster_name

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_header)
    return sts.generate_presigned_url(
        "get_caller_identity", Params={}, ExpiresIn=URL_EXPIRES_SECONDS, HttpMethod="GET"
    )


def token_from_url(url):
    """``k8s-aws-v1.`` + unpadded base64url of ``url``."""
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def url_from_token(token):
    """The presigned URL inside a token (for tests and debugging)."""
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError(f"not an EKS token (no {TOKEN_PREFIX} prefix)")
    encoded = token[len(TOKEN_PREFIX) :]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")


def exec_credential(token, now=None):
    """The ExecCredential a kubeconfig ``exec`` plugin prints."""
    now = now or datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017 (any Python 3)
    expires = now + datetime.timedelta(seconds=TOKEN_LIFETIME_SECONDS)
    return {
        "kind": "ExecCredential",
        "apiVersion": EXEC_API_VERSION,
        "spec": {},
        "status": {"expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "token": token},
    }


def get_token(cluster_name, region, role_arn=None, session=None):
    return token_from_url(presigned_url(cluster_name, region, role_arn=role_arn, session=session))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="eks_token.py", description="Print an ExecCredential with an EKS authentication token."
    )
    parser.add_argument("--cluster-name", required=True, help="name of the EKS cluster")
    parser.add_argument("--region", required=True, help="AWS region of the cluster")
    parser.add_argument("--role-arn", help="sign with credentials of this IAM role (sts:AssumeRole)")
    args = parser.parse_args(argv)
    try:
        token = get_token(args.cluster_name, args.region, role_arn=args.role_arn)
    except Exception as e:  # anything botocore raises; kubectl shows stderr
        print(
            f"eks_token.py: could not make a token for EKS cluster {args.cluster_name}: {e}", file=sys.stderr
        )
        return 1
    json.dump(exec_credential(token), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
