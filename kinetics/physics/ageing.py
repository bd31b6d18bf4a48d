"""Side reactions and losses of an electrode: its solid–electrolyte interphase (SEI), loss of
active material and sodium plating, as typed parameters (no solver).

The laws are PyBaMM's (the engine builds them; :mod:`kinetics.engine.build`):

* **SEI** — PyBaMM's "tunnelling limited" growth (Tang, Lu & Newman, J. Electrochem. Soc. 159
  (2012) A1775; PyBaMM's ``SEIGrowth``): electrolyte reduced by electrons that tunnel through the
  film,

  .. math:: j_{SEI} = -j_{0,SEI} \\, e^{-\\alpha F (\\phi_s - \\phi_e)/RT} \\, e^{-\\beta L},
     \\qquad \\frac{dL}{dt} = -\\frac{\\bar V j_{SEI}}{z F},

  with α = 1/2: fast on the fresh carbon, strongest near 0 V vs Na⁺/Na (the plateau), and
  self-limiting as the film thickens, L(t) ≈ β⁻¹ ln(1 + β K t): most of the film forms in the
  first sodiation (the first-cycle loss) and it keeps growing slowly after (continuing loss of
  sodium). Each mole of film binds z = 2 of sodium; the film adds :math:`j L \\rho_{SEI}` to the
  overpotential (film-resistance growth).
* **Loss of active material** — proportional to the charge passed (PyBaMM's "current-driven"
  option): :math:`d\\varepsilon_s/dt = -\\lambda \\, \\varepsilon_{s,0} |i| / q_A`, with
  :math:`q_A` the electrode's areal capacity, so an electrode loses the share λ of its active
  material per full-capacity half cycle; the sodium held by what is lost goes with it.
* **Sodium plating** — PyBaMM's irreversible plating (O'Kane et al., J. Electrochem. Soc. 167
  (2020) 090540): Butler–Volmer on the carbon's surface once its potential vs Na⁺/Na is below
  0 V, with the exchange current :math:`F k_{pl} c_e`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InvalidValueError

#: Molar volume of the SEI [m³/mol] (O'Kane et al. 2022; assumed for sodium's SEI: NaF/Na₂CO₃
#: films are of the same order).
SEI_MOLAR_VOLUME_M3_MOL = 9.585e-5
#: Moles of sodium bound per mole of SEI (PyBaMM's default for ethylene-carbonate reduction).
SODIUM_PER_SEI = 2.0
#: Charge-transfer coefficient of plating (O'Kane et al. 2020).
PLATING_TRANSFER_COEFFICIENT = 0.65


@dataclass(frozen=True)
class Ageing:
    """An electrode's side reactions and losses (see the module's equations).

    Attributes
    ----------
    sei_exchange_current_A_m2 : float
        j₀ of the SEI reaction [A/m² of particle surface]; 0: no SEI. Calibrated per material
        and electrolyte against its first-cycle efficiency (one loss parameter per material).
    sei_barrier_per_m : float
        β, how fast the film stops electrons [1/m]: the film's growth after its formation
        (it adds about β⁻¹·ln(t₂/t₁) between times t₁ and t₂). Default 5e8 /m, a decay length
        of 2 nm (assumed: electron tunnelling through an insulator fades over nanometres; one
        value for every carbon until a measured retention calibrates it).
    sei_initial_thickness_m : float
        Film on the fresh electrode [m]. Default 1 nm (assumed: a pristine carbon has none; a
        thin start lets the first sodiation form it).
    sei_resistivity_ohm_m : float
        Ionic resistivity of the film [Ω·m]. Default 2e5 Ω·m (O'Kane et al. 2022 for lithium's
        SEI; assumed).
    active_material_loss : float
        λ, the share of active material lost per full-capacity half cycle [-]; 0: none.
    plating_rate_constant_m_s : float
        k_pl of sodium plating [m/s]: exchange current F·k_pl·c_e. Default 1e-9 m/s (O'Kane et
        al. 2020 for lithium; assumed for sodium); 0: no plating.
    """

    sei_exchange_current_A_m2: float = 0.0
    sei_barrier_per_m: float = 1e8
    sei_initial_thickness_m: float = 1e-9
    sei_resistivity_ohm_m: float = 2e5
    active_material_loss: float = 0.0
    plating_rate_constant_m_s: float = 1e-9

    def __post_init__(self):
        checks = {
            "sei_exchange_current_A_m2": (0.0, 1e9, "an exchange current between 0 and 1e9 A/m²"),
            "sei_barrier_per_m": (1e5, 1e11, "a barrier factor between 1e5 and 1e11 per metre"),
            "sei_initial_thickness_m": (1e-11, 1e-6, "a thickness between 0.01 nm and 1 µm (in metres)"),
            "sei_resistivity_ohm_m": (0.0, 1e10, "a resistivity between 0 and 1e10 Ω·m"),
            "active_material_loss": (0.0, 0.1, "a share between 0 and 0.1 per half cycle"),
            "plating_rate_constant_m_s": (0.0, 1e-3, "a rate constant between 0 and 1e-3 m/s"),
        }
        for name, (lo, hi, allowed) in checks.items():
            v = getattr(self, name)
            if not (isinstance(v, int | float) and np.isfinite(v) and lo <= v <= hi):
                raise InvalidValueError(f"ageing.{name}", v, allowed)

    @property
    def sei(self) -> bool:
        return self.sei_exchange_current_A_m2 > 0

    @property
    def plating(self) -> bool:
        return self.plating_rate_constant_m_s > 0

