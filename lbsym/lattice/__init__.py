"""Tight-binding lattice scattering solver (numpy + scipy only).

The independent numeric route that checks lbsym's closed forms.

Conventions
-----------
* Square lattice, lattice constant 1, ``H = sum eps_i |i><i| - sum t_ij |i><j| + h.c.``,
  hopping ``t = 1`` by default: a 1D chain has ``E = -2 t cos k``.
* Peierls phase: the matrix element from site j to site i is multiplied by
  ``exp(2 pi i int_j^i A.dl)`` (A in units of the flux quantum), so a loop
  enclosing flux Phi carries ``exp(2 pi i Phi/Phi0)`` counter-clockwise.
* Scattering states have unit current; ``S`` maps incoming to outgoing
  propagating modes, leads in attach order, modes within a lead sorted by
  momentum (see :mod:`lbsym.lattice.leads`); spin is two orbitals per site,
  orbital index innermost.
* Phase reference: a lead's plane wave ``lambda^m phi`` has ``m = 0`` on the
  interface sites (the system sites the lead is attached to).  For 1D chain
  leads the modes are ``e^{+-ikm}/sqrt(v)``, ``v = 2 t sin k``, so a single
  impurity ``eps`` at site 0 has ``t = 2i sin k/(2i sin k - eps)``,
  ``r = eps/(2i sin k - eps)``.
* Conductance matrix in e^2/h per spin-resolved channel, Kwant convention
  ``G_ij = T_ij`` (i != j), ``G_ii = R_ii - N_i`` (rows and columns sum to 0).

This package imports only numpy, scipy and :mod:`lbsym.errors`.
"""

from . import shapes
from .leads import LeadModes, lead_modes, selfenergy_1d
from .shapes import (
    SIGMA_0,
    SIGMA_X,
    SIGMA_Y,
    SIGMA_Z,
    chain,
    cross,
    hall_bar,
    hbar,
    junction,
    qpc,
    ring,
    square_lead,
    strip,
)
from .solver import SMatrix, smatrix
from .sweep import Transmission, disorder_ensemble, energy_sweep, parameter_sweep
from .system import Builder, FinalizedLead, Lead, System

__all__ = [
    "Builder",
    "Lead",
    "System",
    "FinalizedLead",
    "SMatrix",
    "smatrix",
    "LeadModes",
    "lead_modes",
    "selfenergy_1d",
    "shapes",
    "square_lead",
    "chain",
    "strip",
    "ring",
    "junction",
    "cross",
    "hbar",
    "qpc",
    "hall_bar",
    "energy_sweep",
    "parameter_sweep",
    "disorder_ensemble",
    "Transmission",
    "SIGMA_0",
    "SIGMA_X",
    "SIGMA_Y",
    "SIGMA_Z",
]
