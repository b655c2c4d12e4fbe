-- Argo CD health check for Ensign's ensign.dev Flag, Segment and FlagNamespace.
-- Install it under argocd-cm `resource.customizations.health.ensign.dev_Flag` (and _Segment,
-- _FlagNamespace); see docs/gitops.md. It reads the kstatus conditions the operator writes:
--   status.observedGeneration behind metadata.generation (or absent) -> Progressing
--   Stalled=True                                                     -> Degraded, with its message
--   Reconciling=True                                                 -> Progressing
--   Ready=True                                                       -> Healthy
--   anything else, and no status at all                              -> Progressing
-- Argo CD runs custom checks with only the base and table libraries, so no string.* or os.*.
local hs = { status = "Progressing", message = "Waiting for the Ensign operator to reconcile" }
local status = obj.status
if status == nil then
  return hs
end
local generation = obj.metadata.generation
if status.observedGeneration == nil or status.observedGeneration ~= generation then
  hs.message = "Waiting for the Ensign operator to observe generation " .. tostring(generation)
  return hs
end
local ready, stalled, reconciling
for _, condition in ipairs(status.conditions or {}) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Stalled" and condition.status == "True" then
    stalled = condition
  elseif condition.type == "Reconciling" and condition.status == "True" then
    reconciling = condition
  end
end
if stalled ~= nil then
  hs.status = "Degraded"
  hs.message = stalled.message or stalled.reason or "Stalled"
  return hs
end
if reconciling ~= nil then
  hs.message = reconciling.message or hs.message
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end
if ready ~= nil and ready.message ~= nil then
  hs.message = ready.message
end
return hs
