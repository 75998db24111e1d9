"""Find (or, without --read-only, create) the stub REST API the edge scenario maps at api.<domain>.

Prints {"id": ..., "stage": "live", "created": bool}. The api_gateway role is not part of this scenario;
this stands in for its api_gateway_rest_api_id / api_gateway_stage_name facts.
"""

from __future__ import annotations

import json
import sys

import boto3

NAME = "acme-web-portal-stub-api"
STAGE = "live"


def main() -> None:
    client = boto3.client("apigateway")
    found = [a["id"] for a in client.get_rest_apis(limit=500).get("items", []) if a["name"] == NAME]
    created = False
    if found:
        api = found[0]
    elif "--read-only" in sys.argv:
        api = "stubapi000"
    else:
        api = client.create_rest_api(name=NAME, endpointConfiguration={"types": ["REGIONAL"]})["id"]
        root = client.get_resources(restApiId=api)["items"][0]["id"]
        client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        client.create_deployment(restApiId=api, stageName=STAGE)
        created = True
    print(json.dumps({"id": api, "stage": STAGE, "created": created}))


if __name__ == "__main__":
    main()
