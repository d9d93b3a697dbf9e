"""State transitions and tracking codes through the Shopware sandbox's Admin API.

What a desk uses to tell a shop that an order shipped, was paid or was cancelled
(marketplaces.md §5.3–5.4; Shopware's OrderActionController, StateMachineActionController,
StateMachineRegistry and ApiController):

- `POST /api/_action/{order|order_delivery|order_transaction}/{id}/state/{transition}`, optional
  body `{"sendMail": false, "documentIds": [], ...}` → 200 with the new `state_machine_state`
  entity as plain JSON (whatever the Accept header says: the controller builds a JsonResponse).
- `GET /api/_action/state-machine/{entityName}/{entityId}/state` → `{"transitions": [{name,
  technicalName, actionName, fromStateName, toStateName, url}]}`, sorted by action name.
- `POST /api/_action/state-machine/{entityName}/{entityId}/state/{transition}` → the new state as a
  detail response (`{"data": entity}` simple, JSON:API otherwise).
- `PATCH /api/order-delivery/{id}` `{"trackingCodes": [...]}` → 204 with a Location header.

Shopware's answers: an action that leads to the state the entity is already in is done without
changing anything (UnnecessaryTransitionException, switch `unnecessary_transitions`); any other
action not possible from the current state is 400 `SYSTEM__ILLEGAL_STATE_TRANSITION` naming the
possible ones; an id the registry cannot read is 400 `SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID`.
Switch `transaction_actions` picks which spellings of the pay actions the shop knows
(6.7: `pay`/`paid` both). Every accepted change is recorded in the sandbox's StatusRecorder with
the request's method, path and body, so tests can compare what a client planned with what arrived.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from app.sandbox.shopware.catalog import state_entity, state_id
from app.sandbox.shopware.errors import JSON_API, error, error_response, errors_response, json_response
from app.sandbox.shopware.jsonapi import jsonapi_document
from app.sandbox.shopware.model import (
    STATE_NAMES,
    TRANSACTION_SPELLINGS,
    IllegalTransition,
    Order,
    action_names,
    available,
    order_of_delivery,
    order_of_transaction,
    transition,
    unnecessary,
)

if TYPE_CHECKING:
    from app.sandbox.shopware.app import ShopwareSandbox

MACHINES = ("order", "order_delivery", "order_transaction")
MAX_TRANSACTIONS = 16  # payment attempts per order the lookup of a transaction id tries
WRITABLE_DELIVERY_FIELDS = frozenset({"id", "trackingCodes"})


class TransitionApi:
    """The status-changing endpoints of one Shopware sandbox."""

    def __init__(self, sandbox: ShopwareSandbox) -> None:
        self.sandbox = sandbox
        self.spelling = "both"  # switch transaction_actions: "both" (6.7), "pay" (<= 6.6), "paid"
        self.unnecessary_ok = True  # switch unnecessary_transitions: False = Shopware <= 6.4 (400)

    def set_spelling(self, spelling: str) -> None:
        if spelling not in TRANSACTION_SPELLINGS:
            raise ValueError(f"'transaction_actions' must be one of {', '.join(TRANSACTION_SPELLINGS)}")
        self.spelling = spelling

    # -- lookups -------------------------------------------------------------------------------
    def locate(self, machine: str, entity_id: str) -> tuple[Order, int] | None:
        """The order holding this order / delivery / transaction id, and the transaction's index."""
        orders = self.sandbox.store.orders
        if machine == "order":
            order = orders.get(entity_id)
            return (order, 0) if order is not None else None
        if machine == "order_delivery":
            oid = order_of_delivery(entity_id)
            order = orders.get(oid) if oid else None
            return (order, 0) if order is not None else None
        for index in range(MAX_TRANSACTIONS):
            oid = order_of_transaction(entity_id, index)
            order = orders.get(oid) if oid else None
            if order is not None and index < len(order.transactions):
                return order, index
        return None

    # -- endpoints -----------------------------------------------------------------------------
    def transition(self, request: Request, path: str, machine: str, entity_id: str, action: str, *,
                   generic: bool = False, simple: bool = True) -> Response:
        if generic and machine not in MACHINES:
            return _no_definition(machine)
        body, problem = _optional_object(request)
        if problem is not None:
            return problem
        store, recorder = self.sandbox.store, self.sandbox.status_recorder
        with store.lock:
            found = self.locate(machine, entity_id)
            if found is None:
                return _invalid_entity(machine, entity_id)
            order, index = found
            current = store.state_of(machine, order, index)
            known = action in action_names(machine, self.spelling)
            if known and self.unnecessary_ok and unnecessary(machine, action, current):
                return self._state_response(request, machine, current, generic=generic, simple=simple)
            try:
                if not known:
                    raise IllegalTransition(action)
                transition(machine, action, current)
            except IllegalTransition:
                return self._illegal(machine, action, current)
            swallow = recorder.take_swallow()
            now = self.sandbox.clock.now_ms()
            before, after, _ = store.apply_transition(machine, order, index, action, now, swallow=swallow)
            recorder.record(order_id=order.id, kind="transition", swallowed=swallow, entity=machine,
                            entity_id=entity_id, transition=action, from_state=before, to_state=after,
                            send_mail=body.get("sendMail", True) is not False,
                            method="POST", path=path, body=body if request.get_data() else None)
        return self._state_response(request, machine, after, generic=generic, simple=simple)

    def available(self, request: Request, machine: str, entity_id: str) -> Response:
        if machine not in MACHINES:
            return _no_definition(machine)
        store = self.sandbox.store
        with store.lock:
            found = self.locate(machine, entity_id)
            if found is None:
                return _invalid_entity(machine, entity_id)
            current = store.state_of(machine, found[0], found[1])
        base = f"{request.script_root}/api/_action/state-machine/{machine}/{entity_id}/state"
        return json_response({"transitions": [
            {"name": STATE_NAMES[machine].get(to, to), "technicalName": to, "actionName": action,
             "fromStateName": current, "toStateName": to, "url": f"{base}/{action}"}
            for action, to in available(machine, current, self.spelling)]})

    def patch_delivery(self, request: Request, path: str, delivery_id: str) -> Response:
        body, problem = _optional_object(request)
        if problem is not None:
            return problem
        problems = _delivery_problems(body)
        if problems:
            return errors_response(400, problems)
        store, recorder = self.sandbox.store, self.sandbox.status_recorder
        with store.lock:
            found = self.locate("order_delivery", delivery_id)
            if found is None:  # UNCONFIRMED: the DAL may answer an update of a missing row otherwise
                return error_response(404, "FRAMEWORK__RESOURCE_NOT_FOUND",
                                      f"The order_delivery resource with the following primary key was not found: "
                                      f"id({delivery_id})")
            order = found[0]
            if "trackingCodes" in body:
                codes = list(body["trackingCodes"])
                added = [c for c in codes if c not in order.tracking]
                swallow = recorder.take_swallow()
                if not swallow:
                    store.set_tracking(order, codes, self.sandbox.clock.now_ms())
                recorder.record(order_id=order.id, kind="tracking", swallowed=swallow, entity="order_delivery",
                                entity_id=delivery_id, tracking_codes=codes, added=added,
                                tracking_number=", ".join(added), method="PATCH", path=path, body=body)
        response = Response(status=204)
        response.headers["Location"] = f"{request.host_url.rstrip('/')}{request.script_root}/api/order-delivery/" \
                                       f"{delivery_id}"
        return response

    # -- answers -------------------------------------------------------------------------------
    def _state_response(self, request: Request, machine: str, state: str, *, generic: bool,
                        simple: bool) -> Response:
        entity = state_entity(machine, state)
        if not generic:  # OrderActionController: `new JsonResponse($entity)`
            return json_response(entity)
        if simple:
            return json_response({"data": entity})
        base = request.host_url.rstrip("/") + request.script_root + "/api"
        document = jsonapi_document([entity], base, {})
        return json_response({"data": document["data"][0], "included": document["included"]},  # type: ignore[index]
                             content_type=JSON_API)

    def _illegal(self, machine: str, action: str, current: str) -> Response:
        """Shopware's IllegalTransitionException (400); `currentState` is the state's id there."""
        possible = [name for name, _ in available(machine, current, self.spelling)]
        current_id = state_id(machine, current)
        joined = ", ".join(possible)
        return error_response(400, "SYSTEM__ILLEGAL_STATE_TRANSITION",
                              f'Illegal transition "{action}" from state "{current_id}". '
                              f"Possible transitions are: {joined}",
                              meta={"parameters": {"transition": action, "currentState": current_id,
                                                   "possibleTransitionsString": joined,
                                                   "possibleTransitions": possible}})


def _optional_object(request: Request) -> tuple[dict[str, Any], Response | None]:
    raw = request.get_data()
    if not raw.strip():
        return {}, None
    try:
        body = json.loads(raw)
    except ValueError:
        return {}, error_response(400, "FRAMEWORK__INVALID_JSON", "The request body is not valid JSON.")  # UNCONFIRMED
    if not isinstance(body, dict):
        return {}, error_response(400, "FRAMEWORK__INVALID_JSON", "The request body must be a JSON object.")
    return body, None


def _delivery_problems(body: dict[str, Any]) -> list[dict[str, object]]:
    """Write validation of `PATCH order-delivery` as the DAL reports it (one entry per violation)."""
    out: list[dict[str, object]] = []
    for key in body:
        if key not in WRITABLE_DELIVERY_FIELDS:  # invented: the sandbox writes only trackingCodes
            out.append(error(400, "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                             f'The sandbox does not write the field "{key}" of order_delivery.',
                             pointer=f"/0/{key}"))
    codes = body.get("trackingCodes", [])
    if not isinstance(codes, list):
        out.append(error(400, "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", "This value should be of type array.",
                         pointer="/0/trackingCodes"))
    else:
        for i, code in enumerate(codes):
            if not isinstance(code, str):
                out.append(error(400, "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", "This value should be of type string.",
                                 pointer=f"/0/trackingCodes/{i}"))
    return out


def _invalid_entity(machine: str, entity_id: str) -> Response:
    """StateMachineRegistry::getFromPlace cannot read the entity (400, not 404)."""
    return error_response(400, "SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID",
                          f'Unable to read entity "{machine}" with id "{entity_id}".',
                          meta={"parameters": {"entityName": machine, "entityId": entity_id}})


def _no_definition(entity: str) -> Response:
    return error_response(404, "FRAMEWORK__DEFINITION_NOT_FOUND",
                          f'Definition for entity "{entity}" does not exist (the sandbox emulates orders).')
