"""orgsim: an agent-based simulation of how a company that sells online organizes itself."""

from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["OrgModel", "Scenario", "ScenarioError", "load_scenario"]


def __getattr__(name):
    # Import the model lazily so `load_scenario` stays cheap for the CLI's error paths.
    if name == "OrgModel":
        from sim.model import OrgModel

        return OrgModel
    raise AttributeError(name)
