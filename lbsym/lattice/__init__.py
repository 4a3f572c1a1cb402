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
* Conductance matrix in e^2/h per spin-resolved channel, lbsym's convention
  ``G_ij = T_ij`` (i != j), ``G_ii = R_ii - N_i`` (rows and columns sum to 0);
  Kwant's is the negative (``conductance_matrix(convention='kwant')``).

Performance
-----------
* Work that does not depend on the energy (the Hamiltonian with its value
  functions and Peierls phases, the lead matrices, the RGF slice blocks) is
  cached on the :class:`System` per set of parameter values (the last few),
  so an energy sweep evaluates value functions once; caches are not pickled.
* Large square-lattice systems: build with :meth:`Builder.add_sites` /
  :meth:`Builder.add_hoppings` (the shapes do); a 100 x 1000 strip builds in
  well under a second.
* Routes: one dense LU for small systems (<= 300 orbitals), RGF for
  two-terminal systems that slice, sparse LU otherwise; results are checked
  for unitarity against the accuracy of the lead modes.
* BLAS is limited to ``LBSYM_BLAS_THREADS`` (default 1) threads inside a
  solve when ``threadpoolctl`` is installed (see :mod:`lbsym.lattice.solver`).

Quick start
-----------
>>> import numpy as np
>>> from lbsym import lattice as lat
>>> k = 1.0; E = -2 * np.cos(k)

A chain with impurities (sites ``left..right``, leads attached at both
ends, phase references at the end sites):

>>> S = lat.chain({0: 0.5, 3: "eps"}).smatrix(E, params={"eps": -0.2})
>>> S.num_modes(0), round(S.unitarity_error(), 12)
(1, 0.0)

A single impurity, compared with the closed form:

>>> S = lat.chain({0: 0.5}).smatrix(E)
>>> bool(np.isclose(S.data[1, 0], 2j*np.sin(k) / (2j*np.sin(k) - 0.5)))
True

An Aharonov-Bohm ring (1D arms of 3 and 5 sites, flux ``phi`` in Phi0):

>>> ring = lat.ring(3, 5)
>>> T = [ring.smatrix(E, {"phi": p}).transmission(1, 0) for p in (0.2, 1.2)]
>>> bool(abs(T[0] - T[1]) < 1e-12)
True

A three-way junction (one site, three 1D leads; S = -1 + i v G):

>>> S = lat.junction(3).smatrix(E)
>>> G = 1 / (E + 3 * np.exp(1j * k))
>>> bool(np.allclose(S.data, -np.eye(3) + 2j * np.sin(k) * G))
True

A clean strip of width W conducts one quantum per open mode:

>>> round(lat.strip(W=4, L=10).smatrix(-1.1).transmission(1, 0), 10)
3.0

An H-bar and a Hall bar (multi-terminal; conductance matrix in e^2/h):

>>> G = lat.hbar(3, 9, 2, 3, field=0.02).smatrix(-1.0).conductance_matrix()
>>> bool(np.allclose(G.sum(axis=0), 0) and np.allclose(G.sum(axis=1), 0))
True
>>> S = lat.hall_bar(12, 30, probe_width=5, probe_length=3).smatrix(-3.0, {"phi": 0.1})
>>> [S.num_modes(i) for i in range(6)]
[1, 1, 1, 1, 1, 1]

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
