#pragma once
/// The check-mark function of Leabra's XCAL rule (rules/xcal.cpp), public so that tests can
/// hold it against its reference values (REFERENCES.md section 4).

namespace cortexsim {

/// xcal(x, th) = 0 if x < d_thr; x - th if x > d_rev th; else -x (1 - d_rev) / d_rev
/// (-9 x with the default d_rev 0.1): weight change as a function of the synaptic activity
/// product x against the threshold th. Continuous at x = d_rev th.
double xcal_checkmark(double x, double th, double d_thr = 0.0001, double d_rev = 0.1);

} // namespace cortexsim
