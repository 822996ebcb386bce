"""The sandbox's own names for things, read from each system's settings endpoints (for the glossary).

Mixed into the role adapters (SandboxCti, SandboxCrm, SandboxIvr, SandboxChat, SandboxHelpdesk): each reads
what its system says about itself over HTTP (``/api/settings``, ``/api/queues``, ``/api/roles``, ``/api/flows``,
``/api/intents``, ``/api/knowledge``), never the sandbox's code.
"""
from __future__ import annotations

from typing import Any

from deskcheck.configuration import (AgentStates, BotVocabulary, ChatIntent, HiddenField, IvrMenu, IvrOption, IvrSetup,
                                     MenuChoice, RoleVisibility, ServiceLevels, SlaPolicy, StateLabel, WrapUpMode,
                                     WrapUpRules)
from deskcheck.records import KnowledgeArticle, OpeningHours, Queue


def _choices(entries: list[dict[str, Any]], label_key: str) -> tuple[MenuChoice, ...]:
    return tuple(MenuChoice(e[label_key], e["state"], e.get("reason")) for e in entries)


class CtiSettings:
    api: Any

    def queues(self) -> list[Queue]:
        from deskcheck.adapters.sandbox.cti import queue_record  # cti.py mixes this class in

        return [queue_record(q) for q in self.api.queues()["queues"]]

    def agent_states(self) -> AgentStates:
        body = self.api.get("/api/settings")
        return AgentStates(
            states=tuple(StateLabel(s["state"], s.get("reason"), s["label"], s["crm_status"], s.get("crm_reason"),
                                    s.get("set_by", "")) for s in body["agent_states"]),
            presence_menu=_choices(body.get("presence_menu") or [], "label"),
            crm_presence_menu=_choices(body.get("crm_presence_menu") or [], "status"))

    def routing(self) -> str:
        return self.api.get("/api/settings").get("routing") or ""

    def wrapup_rules(self) -> WrapUpRules:
        body = self.api.get("/api/settings")
        return WrapUpRules(tuple(WrapUpMode(m["mode"], m["rule"]) for m in body.get("wrapup_modes") or ()),
                           body.get("timeout_disposition"))


class CrmSettings:
    api: Any

    def roles(self) -> list[RoleVisibility]:
        return [RoleVisibility(r["role"], tuple(HiddenField(f["field"], f["label"]) for f in r.get("hidden_fields") or ()))
                for r in self.api.get("/api/roles")["roles"]]


def _options(menu: dict[str, Any], nodes: dict[str, Any]) -> tuple[IvrOption, ...]:
    options = []
    for key, option in (menu.get("options") or {}).items():
        target = nodes.get(option.get("next"), {})
        options.append(IvrOption(key, option.get("label", ""), tuple(option.get("keywords") or ()),
                                 target.get("label", option.get("next", "")), target.get("queue"), target.get("reason")))
    return tuple(options)


class IvrSettings:
    api: Any

    def menus(self) -> IvrSetup:
        body = self.api.get("/api/flows")
        menus = []
        for line, flow_name in (body.get("lines") or {}).items():
            nodes = body["flows"][flow_name]["nodes"]
            for name, node in nodes.items():
                if node.get("kind") in ("account", "menu", "callback"):
                    menus.append(IvrMenu(line, name, node.get("label", name), node["kind"], node.get("prompt"),
                                         _options(node, nodes), tuple(node.get("personalised") or ())))
        confidence = body.get("min_speech_confidence")
        return IvrSetup(tuple(menus), body.get("lookup_attempts"), None if confidence is None else float(confidence))


class ChatSettings:
    api: Any

    def intents(self) -> BotVocabulary:
        body = self.api.get("/api/intents")
        return BotVocabulary(
            tuple(ChatIntent(i["intent"], i["label"], tuple(i.get("keywords") or ()), bool(i.get("needs_authentication")))
                  for i in body["intents"]),
            tuple((s["step"], s["label"]) for s in body.get("path_steps") or ()), tuple(body.get("sentiments") or ()))

    def knowledge(self) -> list[KnowledgeArticle]:
        return [KnowledgeArticle(a["id"], a.get("title", "")) for a in self.api.get("/api/knowledge")["articles"]]


class HelpdeskSettings:
    api: Any

    def service_levels(self) -> ServiceLevels:
        body = self.api.get("/api/settings")
        hours = body["business_hours"]
        return ServiceLevels(
            business_hours=OpeningHours(tuple(hours["days"]), hours["open"], hours["close"]),
            timezone=hours.get("timezone", "UTC"),
            policies=tuple(SlaPolicy(p["priority"], int(p["first_reply_seconds"]), int(p["resolution_seconds"]))
                           for p in body["sla_policies"]),
            priorities=tuple(body.get("priorities") or ()), channels=tuple(body.get("channels") or ()),
            statuses=tuple((s["status"], s["label"]) for s in body.get("statuses") or ()),
            warning_at=body.get("sla_warning_at"), escalation_group=body.get("escalation_group"),
            lifecycle=body.get("lifecycle"))
